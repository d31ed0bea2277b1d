// `medsight segment`, `medsight segment-train`, `medsight segment-ensemble`,
// `medsight segment-compare`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/ImageModality.h"
#include "core/NumberText.h"
#include "core/OutputFileSet.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/SegmentationCrossValidation.h"
#include "segmentation/SegmentationEnsembleBuilder.h"
#include "segmentation/SegmentationPackageComparison.h"
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
    app.add_option("--config", config_, "Segmentation training config (JSON, or YAML by extension)")
        ->required();
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

class SegmentEnsembleCommand : public Command {
 public:
  std::string name() const override { return "segment-ensemble"; }
  std::string summary() const override {
    return "Join segmentation packages trained on the same folds (e.g. 2.5D and 3D) into one "
           "averaging package, cross-validated by patient";
  }
  void configure(CLI::App& app) override {
    app.add_option("packages", packages_,
                   "Two or more packages from segment-train, the first one primary (its "
                   "threshold, card text and limitations carry over); an ensemble package "
                   "counts as its parts")
        ->required()
        ->expected(1, 16);
    app.add_option("--leave-out", leaveOut_,
                   "Recipe name of a part to drop, e.g. one being replaced by a retrained "
                   "package (repeatable)");
    app.add_option("--out", out_,
                   "Output package folder: new, empty or a package (replaced only when the "
                   "joined package is complete)")
        ->required();
    app.add_option("--name", name_, "Name of the joined package (default: the primary's)");
    app.add_option("--description", description_,
                   "Description (default: lists the parts, then the primary's)");
  }
  int run(const CommandContext& context) override {
    std::vector<std::filesystem::path> packages(packages_.begin(), packages_.end());
    SegmentationEnsembleBuilder builder(packages, out_, context.threads, context.commandLine,
                                        leaveOut_);
    const auto m = builder.build(name_, description_);
    const auto& dice = m.validation["summary"]["dice"];
    if (context.json) {
      std::cout << json{{"model", out_}, {"validation", m.validation["summary"]}}.dump(2) << '\n';
    } else {
      std::cout << "wrote " << out_ << " (" << m.members.size() << " fold networks and "
                << m.ensembledWith.size() << " ensembled configuration(s))\n"
                << "cross-validated Dice " << dice["mean"] << " [" << dice["ci95_lower"] << ", "
                << dice["ci95_upper"] << "] over " << dice["n"] << " patients\n";
    }
    return 0;
  }

 private:
  std::vector<std::string> packages_, leaveOut_;
  std::string out_, name_, description_;
};

class SegmentCompareCommand : public Command {
 public:
  std::string name() const override { return "segment-compare"; }
  std::string summary() const override {
    return "Compare two segmentation packages' cross-validated results patient by patient "
           "(paired difference with bootstrap CI, Wilcoxon signed-rank test)";
  }
  void configure(CLI::App& app) override {
    app.add_option("baseline", baseline_, "Package to compare against (e.g. the shipped one)")
        ->required();
    app.add_option("candidate", candidate_, "Package whose gain is measured")->required();
    app.add_option("--metric", metric_,
                   "dice (default), hd95_mm, mean_surface_distance_mm or "
                   "absolute_volume_error_percent");
    app.add_option("--out", out_, "Also write the comparison as JSON to this file");
  }
  int run(const CommandContext& context) override {
    OutputFileSet outputs;  // the --out path is checked before the packages are read
    const auto staged =
        out_.empty() ? std::filesystem::path() : outputs.addFile(out_, {".json"}, "--out");
    const json r = SegmentationPackageComparison::compare(baseline_, candidate_, metric_);
    if (!out_.empty()) {
      AtomicFile::write(staged, r.dump(2) + "\n");
      outputs.commit();
    }
    if (context.json) {
      std::cout << r.dump(2) << '\n';
      return 0;
    }
    auto fmt = [](double v) { return NumberText::fixed(v, 3); };
    auto signedFmt = [&](double v) { return (v >= 0 ? "+" : "") + fmt(v); };
    std::cout << "patient      baseline  candidate  difference\n";
    for (const auto& row : r["per_patient"]) {
      std::cout << std::left << std::setw(13) << row["patient"].get<std::string>() << std::right
                << std::setw(8) << fmt(row["baseline"]) << std::setw(11) << fmt(row["candidate"])
                << std::setw(12) << signedFmt(row["difference"]) << '\n';
    }
    auto line = [&](const char* label, const json& part) {
      const auto& s = part["summary"];
      std::cout << label << part["name"].get<std::string>() << ": mean " << fmt(s["mean"])
                << " (95% CI " << fmt(s["ci95_lower"]) << " to " << fmt(s["ci95_upper"])
                << "), median " << fmt(s["median"]) << '\n';
    };
    const std::string metric = r["metric"];
    std::cout << metric << " over " << r["patients"] << " patients measured by both ("
              << (r["higher_is_better"].get<bool>() ? "higher" : "lower") << " is better)\n";
    line("baseline  ", r["baseline"]);
    line("candidate ", r["candidate"]);
    const auto& d = r["difference"];
    const auto& w = r["wilcoxon"];
    std::cout << "paired difference (candidate - baseline) " << signedFmt(d["mean"]) << " (95% CI "
              << signedFmt(d["ci95_lower"]) << " to " << signedFmt(d["ci95_upper"])
              << "); candidate better on " << r["candidate_better"] << ", baseline on "
              << r["baseline_better"] << ", tied " << r["ties"]
              << "; Wilcoxon signed-rank p = " << NumberText::significant(w["p_two_sided"], 3)
              << " (" << w["method"].get<std::string>() << ")\n";
    auto list = [](const json& names) {
      std::string s;
      for (const auto& n : names) s += (s.empty() ? "" : ", ") + n.get<std::string>();
      return s;
    };
    if (!r["only_in_baseline"].empty()) {
      std::cout << "not compared, measured by the baseline only: " << list(r["only_in_baseline"])
                << '\n';
    }
    if (!r["only_in_candidate"].empty()) {
      std::cout << "not compared, measured by the candidate only: " << list(r["only_in_candidate"])
                << '\n';
    }
    for (const auto& u : r["metric_undefined"]) {
      const bool inBase = u["baseline_undefined"], inCand = u["candidate_undefined"];
      std::cout << "not compared, " << metric << " undefined (empty outline) for "
                << u["patient"].get<std::string>() << " in "
                << (inBase && inCand ? "both packages"
                    : inBase         ? "the baseline"
                                     : "the candidate")
                << '\n';
    }
    if (!r["metric_not_recorded"].empty()) {
      std::cout << "not compared, " << metric
                << " not recorded by a package (older format): " << list(r["metric_not_recorded"])
                << '\n';
    }
    if (r["patients_on_other_folds"].get<int>() > 0) {
      std::cout << "note: for " << r["patients_on_other_folds"]
                << " patient(s) the two packages' fold networks were trained on different "
                   "patients (other folds)\n";
    }
    return 0;
  }

 private:
  std::string baseline_, candidate_, metric_ = "dice", out_;
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
                   "Modality of the input when its file does not say (NIfTI): CT, MR, PT")
        ->transform(CLI::IsMember(ImageModality::known(), CLI::ignore_case));
    roiOption_ =
        app.add_option("--roi", roi_,
                       "Region of interest where the lesion is, as first and last voxel indices "
                       "i0,j0,k0,i1,j1,k1 of the input; it is grown by --roi-margin, cropped and "
                       "segmented, and the mask put back on the whole grid");
    app.add_option("--roi-mask", roiMask_,
                   "Region of interest as a mask on the input grid (e.g. a rough outline drawn "
                   "in a viewer): its bounding box is used as with --roi");
    marginOption_ = app.add_option(
        "--roi-margin", roiMarginMm_,
        "Margin added around the ROI, mm (default 30). The network needs tissue around the "
        "lesion to see it: the STS model was trained on crops with 1-5 cm around the tumour, and "
        "margins under 10 mm are warned about");
    app.add_option("--aux", aux_,
                   "A further image of the same patient the model takes beside the main one, as "
                   "NAME=FILE (e.g. --aux PET=pet.nii.gz for a model trained on MR and PET; see "
                   "accepts.auxiliary in its manifest). It must be in the same patient "
                   "coordinates as IMAGE (same session, or resampled with medsight register)");
    app.add_flag("--no-intensity-check", noIntensityCheck_,
                 "Segment even when the input's intensity range is unlike the model's training "
                 "images (normally refused as a likely modality mix-up)");
  }
  int run(const CommandContext& context) override {
    // Outputs are checked before the model is loaded, and a failed run leaves none behind.
    OutputFileSet outputs;
    outputs.addInput(image_, "input image");
    outputs.addInput(reference_, "--reference mask");
    outputs.addInput(roiMask_, "--roi-mask");
    for (const auto& a : aux_) {
      const auto eq = a.find('=');
      if (eq != std::string::npos) outputs.addInput(a.substr(eq + 1), "--aux image");
    }
    const auto stagedMask = outputs.addFile(out_, {".nii", ".nii.gz"}, "out_mask");
    const auto stagedProbability =
        probability_.empty() ? std::filesystem::path()
                             : outputs.addFile(probability_, {".nii", ".nii.gz"}, "--probability");
    TumourSegmenter segmenter(model_, context.threads);
    segmenter.setIntensityCheck(!noIntensityCheck_);
    Image image = ImageFileReader::read(image_);
    ImageContentCheck::requireFinite(image, image_);
    ImageModality::applyOption(image, modality_);
    // The reference is checked before the inference, whose mask lies on the input's grid.
    std::optional<Image> reference;
    if (!reference_.empty()) {
      reference = ImageFileReader::read(reference_);
      if (!reference->sameGrid(image, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch,
                    reference_ + ": the reference mask is not on the input image's grid");
      }
    }
    const auto roi = regionOfInterest(image);
    const auto auxiliary = auxiliaryImages(segmenter.manifest());
    std::vector<const Image*> auxiliaryViews;
    for (const auto& a : auxiliary) auxiliaryViews.push_back(&a.image);
    const TumourSegmentation s =
        roi ? segmenter.segmentWithin(image, *roi, roiMarginMm_, auxiliaryViews)
            : segmenter.segment(image, auxiliaryViews);
    std::vector<std::string> warnings;
    if (roi && roiMarginMm_ < 10.0) {
      warnings.push_back("an ROI margin of " + formatNumber(roiMarginMm_) +
                         " mm leaves the network little tissue around the lesion; 20-50 mm is "
                         "what crops of the training kind have");
    }
    if (s.volumeMl <= 0.0) {
      warnings.push_back("no voxel reached the probability threshold: the mask is empty");
    }
    if (s.configurationAgreement &&
        *s.configurationAgreement < TumourSegmentation::kReviewAgreement) {
      warnings.push_back(
          "the package's configurations disagree (lowest Dice between one configuration and the "
          "ensemble " +
          formatNumber(*s.configurationAgreement) +
          "): one of them outlines something else, e.g. a hot spot on PET; review the outline "
          "with care");
    }
    NiftiWriter::write(s.mask, stagedMask);
    if (!probability_.empty()) NiftiWriter::write(s.probability, stagedProbability);
    outputs.commit();
    json out{{"model", segmenter.manifest().name},
             {"structure", segmenter.manifest().structure},
             {"mask", out_},
             {"volume_ml", s.volumeMl},
             {"seconds", s.seconds}};
    if (s.configurationAgreement) out["configuration_agreement"] = *s.configurationAgreement;
    for (const auto& a : auxiliary) out["auxiliary"][a.name] = a.file;
    if (roi) {
      out["roi"] = {
          {"start", roi->start},
          {"size", roi->size},
          {"margin_mm", roiMarginMm_},
          {"segmented_box", {{"start", s.segmentedBox->start}, {"size", s.segmentedBox->size}}}};
    }
    if (reference) {
      Image& ref = *reference;
      ref.geometry() = s.mask.geometry();
      const auto a = MaskComparison::compare(s.mask, ref);
      out["reference"] = {{"dice", a.dice},
                          {"hd95_mm", a.hausdorff95Mm ? json(*a.hausdorff95Mm) : json(nullptr)},
                          {"volume_error_percent",
                           a.volumeErrorPercent ? json(*a.volumeErrorPercent) : json(nullptr)}};
    }
    if (const auto patient = trainingPatient(image, segmenter.manifest())) {
      // Most fold networks learnt this very image, so agreement with its outline says little
      // about new patients; point to the figure measured by the fold that never saw it.
      out["training_patient"] = *patient;
      std::string w = patient->at("patient").get<std::string>() +
                      " is one of this model's training patients (" +
                      patient->at("matched_by").get<std::string>() +
                      "): all but one fold network of each configuration learnt from it, so a "
                      "Dice against its reference outline is in-sample and optimistic";
      if (patient->contains("cross_validated_dice")) {
        w += "; its cross-validated Dice, from the fold that held it out, is " +
             formatNumber(patient->at("cross_validated_dice").get<double>());
      }
      warnings.push_back(w);
    }
    out["warnings"] = warnings;
    if (context.json) {
      std::cout << out.dump(2) << '\n';
    } else {
      std::cout << "wrote " << out_ << ": " << segmenter.manifest().structure << " "
                << formatNumber(s.volumeMl) << " ml (" << formatNumber(s.seconds) << " s)\n";
      if (s.configurationAgreement) {
        std::cout << "configuration agreement " << formatNumber(*s.configurationAgreement)
                  << " (review with care below "
                  << formatNumber(TumourSegmentation::kReviewAgreement) << ")\n";
      }
      if (out.contains("auxiliary")) {
        std::cout << "with";
        for (const auto& [name, file] : out["auxiliary"].items()) {
          std::cout << " " << name << " " << file.get<std::string>();
        }
        std::cout << "\n";
      }
      if (out.contains("roi")) {
        const auto& b = out["roi"]["segmented_box"];
        std::cout << "segmented within voxels " << b["start"].dump() << " size " << b["size"].dump()
                  << " (ROI grown by " << formatNumber(roiMarginMm_) << " mm)\n";
      }
      if (out.contains("reference")) {
        auto shown = [](const json& v) {
          return v.is_number() ? formatNumber(v.get<double>()) : std::string("n/a");
        };
        std::cout << "against " << reference_ << ": Dice " << shown(out["reference"]["dice"])
                  << ", HD95 " << shown(out["reference"]["hd95_mm"]) << " mm, volume error "
                  << shown(out["reference"]["volume_error_percent"]) << " %\n";
      }
      std::cout << std::flush;
      for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
    }
    return 0;
  }

 private:
  /// One --aux image, under the channel name the model's manifest gives it.
  struct AuxiliaryInput {
    std::string name, file;
    Image image;
  };

  /// The --aux images, read and put in the order the model's manifest lists its channels.
  std::vector<AuxiliaryInput> auxiliaryImages(const SegmentationModelManifest& manifest) const {
    // Names are matched without regard to case (--aux pet=... is what people type).
    auto key = [](std::string n) {
      for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return n;
    };
    std::map<std::string, std::string> given;
    for (const auto& a : aux_) {
      const auto eq = a.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == a.size()) {
        throw Error(ErrorCode::InvalidArgument,
                    "--aux " + a + ": give NAME=FILE, e.g. PET=pet.nii.gz");
      }
      if (!given.emplace(key(a.substr(0, eq)), a.substr(eq + 1)).second) {
        throw Error(ErrorCode::InvalidArgument, "--aux " + a.substr(0, eq) + " is given twice");
      }
    }
    std::vector<AuxiliaryInput> out;
    for (const auto& channel : manifest.auxiliary) {
      const auto it = given.find(key(channel.name));
      if (it == given.end()) {
        // Name what was given instead, if anything: "--aux PT=..." is a near miss, not an
        // omission.
        std::string instead;
        for (const auto& [name, file] : given) instead += (instead.empty() ? "" : ", ") + name;
        throw Error(ErrorCode::InvalidArgument,
                    "segment: model " + manifest.name + " also takes a " + channel.name +
                        " image of the same patient; give --aux " + channel.name + "=FILE" +
                        (instead.empty() ? std::string()
                                         : " (it takes no auxiliary image named " + instead +
                                               "; names are matched without regard to case)"));
      }
      // NaN in an auxiliary image (a float PET outside its field of view) is read as "not
      // covered" by AuxiliaryChannel::onto, as voxels outside the image are.
      out.push_back({channel.name, it->second, ImageFileReader::read(it->second)});
      given.erase(it);
    }
    if (!given.empty()) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment: model " + manifest.name + " takes no auxiliary image named " +
                      given.begin()->first +
                      (manifest.auxiliary.empty() ? std::string(" (it reads the image alone)")
                                                  : std::string()));
    }
    return out;
  }

  /// The voxel box given by --roi or --roi-mask, if any.
  std::optional<VoxelBox> regionOfInterest(const Image& image) const {
    if (roiOption_->count() > 0 && roi_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "segment: --roi is empty");
    }
    if (marginOption_->count() > 0 && roi_.empty() && roiMask_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "segment: --roi-margin needs --roi or --roi-mask");
    }
    if (!roi_.empty() && !roiMask_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "segment: give --roi or --roi-mask, not both");
    }
    if (!roiMask_.empty()) {
      const Image mask = ImageFileReader::read(roiMask_);
      if (!mask.sameGrid(image, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch,
                    roiMask_ + ": the ROI mask is not on the input image's grid");
      }
      // A label mask holds a few non-negative whole numbers; an image passed here by mistake
      // would make almost every voxel "inside".
      std::set<float> labels;
      // Named: the pixels of a temporary cast would be freed before the loop body runs.
      const Image asFloat = mask.castTo(PixelType::Float32);
      for (const float v : asFloat.pixels<float>()) {
        if (v < 0 || v != std::floor(v) || (labels.insert(v).second && labels.size() > 256)) {
          throw Error(ErrorCode::InvalidArgument,
                      roiMask_ +
                          ": not a mask (it has negative, fractional or more than 256 distinct "
                          "values); give a label mask whose non-zero voxels mark the lesion");
        }
      }
      const auto box = BoundingBoxCropper::nonZeroBox(mask);
      if (!box) throw Error(ErrorCode::EmptyInput, roiMask_ + ": the ROI mask is empty");
      return box;
    }
    if (roi_.empty()) return std::nullopt;
    std::vector<long long> v;
    std::stringstream in(roi_);
    for (std::string part; std::getline(in, part, ',');) {
      std::size_t used = 0;
      long long x = -1;
      try {
        x = std::stoll(part, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != part.size() || x < 0) {
        throw Error(ErrorCode::InvalidArgument,
                    "segment: --roi wants six non-negative voxel indices i0,j0,k0,i1,j1,k1, got '" +
                        roi_ + "'");
      }
      v.push_back(x);
    }
    if (v.size() != 6) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment: --roi wants six voxel indices i0,j0,k0,i1,j1,k1, got '" + roi_ + "'");
    }
    VoxelBox box;
    const std::size_t extents[3] = {image.size().x, image.size().y, image.size().z};
    for (int a = 0; a < 3; ++a) {
      const auto first = static_cast<std::size_t>(std::min(v[a], v[a + 3]));
      const auto last = static_cast<std::size_t>(std::max(v[a], v[a + 3]));
      if (last >= extents[a]) {
        throw Error(ErrorCode::InvalidArgument,
                    "segment: --roi index " + std::to_string(last) + " is past the image (" +
                        std::to_string(extents[a]) + " voxels along axis " + std::to_string(a) +
                        ")");
      }
      box.start[a] = first;
      box.size[a] = last - first + 1;
    }
    return box;
  }

  /// The package's cohort patient this input appears to be, if any: a folder or file name of
  /// the image or reference path equal to a patient id of the folds, or the DICOM PatientID.
  /// Returns the patient, how it was matched, the fold that held it out and, when the package
  /// has it, that fold's cross-validated Dice.
  std::optional<json> trainingPatient(const Image& image,
                                      const SegmentationModelManifest& manifest) const {
    std::map<std::string, int> heldOutBy;
    for (const SegmentationMember* m : manifest.allMembers()) {
      for (const auto& p : m->heldOut) heldOutBy.emplace(p, m->fold);
    }
    std::optional<std::pair<std::string, std::string>> found;  // patient, matched_by
    for (const std::string& path : {image_, reference_}) {
      for (auto p = std::filesystem::path(path); !found && !p.empty() && p != p.parent_path();
           p = p.parent_path()) {
        std::string name = p.filename().string();
        for (const char* ext : {".gz", ".nii", ".nrrd", ".mha", ".dcm"}) {
          if (name.ends_with(ext)) name.resize(name.size() - std::strlen(ext));
        }
        if (heldOutBy.contains(name)) found.emplace(name, "path " + path);
      }
    }
    if (!found) {
      const auto id = image.metadata().find("PatientID");
      if (id != image.metadata().end() && heldOutBy.contains(id->second)) {
        found.emplace(id->second, "DICOM PatientID");
      }
    }
    if (!found) return std::nullopt;
    json j{{"patient", found->first},
           {"matched_by", found->second},
           {"held_out_by_fold", heldOutBy.at(found->first)}};
    for (const auto& row : manifest.validation.value("per_patient", json::array())) {
      if (row.value("patient", "") == found->first && row.contains("dice")) {
        j["cross_validated_dice"] = row["dice"];
      }
    }
    return j;
  }

  /// Short decimal form for people (full precision stays in --json).
  static std::string formatNumber(double v) { return NumberText::significant(v, 4); }

  CLI::Option* roiOption_ = nullptr;
  CLI::Option* marginOption_ = nullptr;
  std::string model_, image_, out_, probability_, reference_, modality_, roi_, roiMask_;
  std::vector<std::string> aux_;
  double roiMarginMm_ = 30.0;
  bool noIntensityCheck_ = false;
};

}  // namespace

void registerContourCommands(CommandRegistry& registry);

void registerSegmentationCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<SegmentTrainCommand>());
  registry.add(std::make_unique<SegmentEnsembleCommand>());
  registry.add(std::make_unique<SegmentCompareCommand>());
  registry.add(std::make_unique<SegmentCommand>());
  registerContourCommands(registry);
}

}  // namespace medsight
