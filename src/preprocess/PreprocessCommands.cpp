// `medsight preprocess`, `medsight plan`.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/ImageModality.h"
#include "core/OutputFileSet.h"
#include "core/StructuredFileReader.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/DatasetPlanner.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {
namespace {

using nlohmann::json;

// The BIDS-style sidecar of an image file: out.nii.gz -> out.json.
std::filesystem::path sidecarOf(const std::string& image) {
  const std::string ending = OutputFileSet::endingOf(image, {".nii.gz", ".nii"});
  return image.substr(0, image.size() - ending.size()) + ".json";
}

class PreprocessCommand : public Command {
 public:
  std::string name() const override { return "preprocess"; }
  std::string summary() const override {
    return "Run a preprocessing pipeline (JSON or YAML) on an image and record every step";
  }
  void configure(CLI::App& app) override {
    app.add_option("--pipeline", pipeline_,
                   "Pipeline JSON or YAML (.yaml/.yml) ({\"steps\": [...]}) or a sidecar written "
                   "by a previous run "
                   "(replays it)")
        ->required();
    app.add_option("input", input_, "Input image (NIfTI, DICOM file or folder, PNG, ...)")
        ->required();
    app.add_option("output", output_, "Output image (.nii or .nii.gz)")->required();
    app.add_option("--mask", mask_, "Label mask on the input grid (moved with the image)");
    app.add_option("--mask-out", maskOut_, "Where to write the moved mask (.nii/.nii.gz)");
    app.add_option("--modality", modality_,
                   "Modality when the input file does not say (NIfTI): CT, MR, PT")
        ->transform(CLI::IsMember(ImageModality::known(), CLI::ignore_case));
    app.add_option("--record", record_,
                   "Where to write the record JSON (default: output name with .json)");
  }
  int run(const CommandContext& context) override {
    if (!maskOut_.empty() && mask_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "preprocess: --mask-out needs --mask");
    }
    const auto recordPath = record_.empty() ? sidecarOf(output_) : std::filesystem::path(record_);
    // Every output is checked before the work, and a failed run leaves none of them behind.
    OutputFileSet outputs;
    outputs.addInput(input_, "input image");
    outputs.addInput(mask_, "--mask");
    outputs.addInput(pipeline_, "--pipeline file");
    const auto stagedOutput = outputs.addFile(output_, {".nii", ".nii.gz"}, "output");
    const auto stagedMask = maskOut_.empty()
                                ? std::filesystem::path()
                                : outputs.addFile(maskOut_, {".nii", ".nii.gz"}, "--mask-out");
    const auto stagedRecord = outputs.addFile(recordPath, {}, "--record");
    PreprocessPipeline::useThreads(context.threads);
    // Validate the pipeline before reading images: a typo fails fast.
    json j = StructuredFileReader::read(pipeline_);  // JSON, or YAML by extension
    if (j.is_object() && j.contains("pipeline")) j = j.at("pipeline");  // a previous sidecar
    const PreprocessPipeline pipeline = PreprocessPipeline::fromJson(j, pipeline_);

    PreprocessSubject subject{ImageFileReader::read(input_), std::nullopt};
    // A float PET or a resliced MR may hold NaN outside its field of view; the steps keep such
    // voxels (statistics leave them out), so the run goes on, but says so and records it.
    std::vector<std::string> warnings;
    if (const std::size_t bad = ImageContentCheck::nonFiniteCount(subject.image); bad > 0) {
      warnings.push_back(input_ + ": " + std::to_string(bad) + " of " +
                         std::to_string(subject.image.sampleCount()) +
                         " voxels are not a number (NaN or infinite); they are kept, and steps "
                         "that mix neighbouring voxels (resampling, smoothing) spread them");
    }
    // A PNG or JPEG without a pHYs chunk says nothing of its pixel size: it is read as 1 mm, so
    // a resampling or a margin in millimetres works on a guess.
    const auto& meta = subject.image.metadata();
    if (const auto it = meta.find("PixelSpacingSource"); it != meta.end() && it->second == "none") {
      for (const auto& step : pipeline.toJson().value("steps", json::array())) {
        const std::string name = step.value("step", "");
        if (name == "resample" || name == "crop") {
          warnings.push_back(input_ +
                             ": the file does not give its pixel size, so 1 mm is "
                             "assumed; the " +
                             name +
                             " step's millimetres are in those assumed units (check the "
                             "spacing, or give the image as DICOM or NIfTI)");
          break;
        }
      }
    }
    for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
    ImageModality::applyOption(subject.image, modality_);
    if (!mask_.empty()) {
      Image m = ImageFileReader::read(mask_);
      if (!m.sameGrid(subject.image, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch,
                    mask_ + ": the mask is not on the grid of " + input_ +
                        " (size, spacing, origin and direction must match)");
      }
      m.geometry() = subject.image.geometry();
      subject.mask = std::move(m);
    }
    // The input pipeline replaces any recorded one of the same file: the record describes
    // this output, starting from what was read.
    subject.image.metadata().erase(PreprocessPipeline::kPipelineKey);
    subject.image.metadata().erase(PreprocessPipeline::kRecordKey);
    pipeline.run(subject);

    const json sidecar{
        {"source", input_},
        {"pipeline", json::parse(subject.image.metadata().at(PreprocessPipeline::kPipelineKey))},
        {"record", json::parse(subject.image.metadata().at(PreprocessPipeline::kRecordKey))},
        {"command", context.commandLine},
        {"warnings", warnings}};
    NiftiWriter::write(subject.image, stagedOutput);
    if (subject.mask && !maskOut_.empty()) NiftiWriter::write(*subject.mask, stagedMask);
    AtomicFile::write(stagedRecord, sidecar.dump(2) + "\n");
    outputs.commit();

    const auto& g = subject.image.geometry();
    if (context.json) {
      std::cout << json{{"output", output_},
                        {"record", recordPath.string()},
                        {"size",
                         {subject.image.size().x, subject.image.size().y, subject.image.size().z}},
                        {"spacing_mm", g.spacing},
                        {"steps", sidecar["record"]}}
                       .dump(2)
                << '\n';
    } else {
      for (const auto& r : sidecar["record"]) {
        std::cout << r["step"].get<std::string>() << " (" << r["seconds"] << " s) "
                  << r["measured"].dump() << "\n";
      }
      std::cout << "wrote " << output_ << " (" << subject.image.size().x << "x"
                << subject.image.size().y << "x" << subject.image.size().z << ", spacing "
                << g.spacing[0] << "x" << g.spacing[1] << "x" << g.spacing[2] << " mm) and "
                << recordPath.string() << "\n";
    }
    return 0;
  }

 private:
  std::string pipeline_, input_, output_, mask_, maskOut_, modality_, record_;
};

class PlanCommand : public Command {
 public:
  std::string name() const override { return "plan"; }
  std::string summary() const override {
    return "Fingerprint a segmentation data set and write a training plan (spacing, patch, "
           "normalisation)";
  }
  void configure(CLI::App& app) override {
    app.add_option("data", data_, "Folder with one sub-folder per case")->required();
    app.add_option("--image", image_, "Image file name inside each case folder")
        ->default_val(image_);
    app.add_option("--mask", mask_, "Mask file name inside each case folder")->default_val(mask_);
    app.add_option("--modality", modality_, "CT selects a HU window; others z-score")
        ->transform(CLI::IsMember(ImageModality::known(), CLI::ignore_case));
    app.add_option("--out", out_, "Write the plan here (default: stdout)");
    app.add_option("--max-patch-voxels", options_.maxPatchVoxels3d, "3D patch voxel budget");
    app.add_option("--max-patch-pixels", options_.maxPatchPixels2d, "2D patch pixel budget");
    app.add_option("--poolings", options_.poolings, "U-Net poolings (patch multiple of 2^n)");
    app.add_option("--in-plane-spacing", options_.inPlaneSpacing,
                   "Coarsest in-plane spacing to plan for (mm, 0 = median)");
  }
  int run(const CommandContext& context) override {
    options_.modality = modality_;
    options_.validate();  // before the (slow) measuring of every case
    // The plan file is checked before the cases are measured.
    OutputFileSet outputs;
    const auto stagedPlan =
        out_.empty() ? std::filesystem::path() : outputs.addFile(out_, {}, "--out");
    const auto fp = DatasetFingerprint::measure(data_, image_, mask_, context.threads);
    json plan = DatasetPlanner::plan(fp, options_);
    plan["data"] = {{"root", data_}, {"image", image_}, {"mask", mask_}};
    plan["warnings"] = fp.warnings;
    for (const auto& w : fp.warnings) std::cerr << "warning: " << w << '\n';
    if (out_.empty()) {
      std::cout << plan.dump(2) << '\n';
      return 0;
    }
    AtomicFile::write(stagedPlan, plan.dump(2) + "\n");
    outputs.commit();
    if (context.json) {
      std::cout << json{{"plan", out_},
                        {"target_spacing_mm", plan["target_spacing_mm"]},
                        {"patch_size", plan["patch_size"]},
                        {"patch_size_3d", plan["patch_size_3d"]}}
                       .dump(2)
                << '\n';
    } else {
      std::cout << "wrote " << out_ << ": " << plan["cases"] << " cases, target spacing "
                << plan["target_spacing_mm"].dump() << " mm, 2D patch " << plan["patch_size"].dump()
                << ", 3D patch " << plan["patch_size_3d"].dump() << ", normalisation "
                << plan["preprocessing"]["steps"][1]["step"] << "\n";
    }
    return 0;
  }

 private:
  std::string data_, image_ = "image.nii.gz", mask_ = "mask.nii.gz", modality_, out_;
  PlanningOptions options_;
};

}  // namespace

void registerPreprocessCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<PreprocessCommand>());
  registry.add(std::make_unique<PlanCommand>());
}

}  // namespace medsight
