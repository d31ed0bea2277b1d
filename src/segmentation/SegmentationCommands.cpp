// `medsight segment`, `medsight segment-train`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/SegmentationCrossValidation.h"
#include "segmentation/TumourSegmenter.h"

namespace medsight {
namespace {

using nlohmann::json;

class SegmentTrainCommand : public Command {
 public:
  std::string name() const override { return "segment-train"; }
  std::string summary() const override {
    return "Cross-validate a U-Net segmentation recipe by patient and write the model package";
  }
  void configure(CLI::App& app) override {
    app.add_option("--config", config_, "Segmentation training config (JSON)")->required();
    app.add_option("--out", out_, "Output package folder (default models/<name>)");
    app.add_option("--fold", fold_, "Run only this fold (0-based) and stop; rerun to finish");
  }
  int run(const CommandContext& context) override {
    const auto config = SegmentationTrainingConfig::fromFile(config_);
    const std::filesystem::path out =
        out_.empty() ? std::filesystem::path("models") / config.name : std::filesystem::path(out_);
    SegmentationCrossValidation cv(config, out, context.threads, context.commandLine);
    const auto m = cv.run(fold_);
    if (fold_ >= 0) {
      std::cout << "fold " << fold_ << " done in " << out.string() << "\n";
      return 0;
    }
    const auto& dice = m.validation["summary"]["dice"];
    if (context.json) {
      std::cout << json{{"model", out.string()}, {"validation", m.validation["summary"]}}.dump(2)
                << '\n';
    } else {
      std::cout << "wrote " << out.string() << " (" << m.members.size() << " fold networks)\n"
                << "cross-validated Dice " << dice["mean"] << " [" << dice["ci95_lower"] << ", "
                << dice["ci95_upper"] << "] over " << dice["n"] << " patients\n";
    }
    return 0;
  }

 private:
  std::string config_, out_;
  int fold_ = -1;
};

class SegmentCommand : public Command {
 public:
  std::string name() const override { return "segment"; }
  std::string summary() const override {
    return "Segment a structure (e.g. a tumour) with a model package; mask on the input grid";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Segmentation model package folder")->required();
    app.add_option("image", image_, "Input image (NIfTI, DICOM folder, ...)")->required();
    app.add_option("out_mask", out_, "Output mask (.nii or .nii.gz)")->required();
    app.add_option("--probability", probability_, "Also write the probability map (NIfTI)");
    app.add_option("--reference", reference_,
                   "Reference mask: report Dice, HD95 and volume error against it");
    app.add_option("--modality", modality_,
                   "Modality of the input when its file does not say (NIfTI): CT, MR, PT");
    app.add_flag("--no-intensity-check", noIntensityCheck_,
                 "Segment even when the input's intensity range is unlike the model's training "
                 "images (normally refused as a likely modality mix-up)");
  }
  int run(const CommandContext& context) override {
    TumourSegmenter segmenter(model_, context.threads);
    segmenter.setIntensityCheck(!noIntensityCheck_);
    Image image = ImageFileReader::read(image_);
    if (!modality_.empty()) image.setModality(modality_);
    const TumourSegmentation s = segmenter.segment(image);
    NiftiWriter::write(s.mask, out_);
    if (!probability_.empty()) NiftiWriter::write(s.probability, probability_);
    json out{{"model", segmenter.manifest().name},
             {"structure", segmenter.manifest().structure},
             {"mask", out_},
             {"volume_ml", s.volumeMl},
             {"seconds", s.seconds}};
    if (!reference_.empty()) {
      Image ref = ImageFileReader::read(reference_);
      if (!ref.sameGrid(s.mask, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch,
                    reference_ + ": the reference mask is not on the input image's grid");
      }
      ref.geometry() = s.mask.geometry();
      const auto a = MaskComparison::compare(s.mask, ref);
      out["reference"] = {{"dice", a.dice},
                          {"hd95_mm", a.hausdorff95Mm ? json(*a.hausdorff95Mm) : json(nullptr)},
                          {"volume_error_percent",
                           a.volumeErrorPercent ? json(*a.volumeErrorPercent) : json(nullptr)}};
    }
    if (context.json) {
      std::cout << out.dump(2) << '\n';
    } else {
      std::cout << "wrote " << out_ << ": " << segmenter.manifest().structure << " " << s.volumeMl
                << " ml (" << s.seconds << " s)\n";
      if (out.contains("reference")) {
        std::cout << "against " << reference_ << ": Dice " << out["reference"]["dice"] << ", HD95 "
                  << out["reference"]["hd95_mm"] << " mm, volume error "
                  << out["reference"]["volume_error_percent"] << " %\n";
      }
    }
    return 0;
  }

 private:
  std::string model_, image_, out_, probability_, reference_, modality_;
  bool noIntensityCheck_ = false;
};

}  // namespace

void registerContourCommands(CommandRegistry& registry);

void registerSegmentationCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<SegmentTrainCommand>());
  registry.add(std::make_unique<SegmentCommand>());
  registerContourCommands(registry);
}

}  // namespace medsight
