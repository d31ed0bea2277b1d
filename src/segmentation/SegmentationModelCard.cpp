#include "segmentation/SegmentationModelCard.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/AtomicFile.h"
#include "segmentation/TumourSegmenter.h"

namespace medsight {
namespace {

using nlohmann::json;

std::string fmt(const json& v, int decimals = 3) {
  if (v.is_null()) return "n/a";
  if (!v.is_number()) return v.dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

std::string summaryLine(const json& s, int decimals) {
  if (s.is_null()) return "n/a";
  return fmt(s["mean"], decimals) + " (95% CI " + fmt(s["ci95_lower"], decimals) + "–" +
         fmt(s["ci95_upper"], decimals) + "; median " + fmt(s["median"], decimals) + ", SD " +
         fmt(s["std"], decimals) + ", range " + fmt(s["min"], decimals) + "–" +
         fmt(s["max"], decimals) + ")";
}

}  // namespace

std::string SegmentationModelCard::render(const SegmentationModelManifest& m) {
  const json config = m.training.value("config", json::object());
  const json card = config.value("card", json::object());
  const json& v = m.validation;
  std::ostringstream o;
  o << "# Model card: " << m.name << " " << m.version << "\n\n" << m.description << "\n\n";
  o << "## Intended use\n\n"
    << card.value("intended_use",
                  "Research use: outlining the " + m.structure + " on " +
                      (m.modality.empty() ? std::string("the trained modality") : m.modality) +
                      " images as a starting contour for review. Not a medical device.")
    << "\n\n";
  o << "## Data\n\n"
    << card.value("data", "Training data root: `" + m.training.value("data_root", "") + "`.")
    << "\n\nPatients (" << m.training.value("patients", json::array()).size() << "): ";
  for (const auto& p : m.training.value("patients", json::array()))
    o << p.get<std::string>() << " ";
  o << "\n\n";
  o << "## Model\n\n"
    << "- Network: " << m.network.dimensions << "D U-Net, " << m.network.depth << " levels, "
    << m.network.baseChannels << " base channels, " << m.network.normalization << " normalisation, "
    << m.network.inputChannels << " input channel(s) (" << m.inference.contextSlices
    << " context slice(s) each side"
    << (m.inference.sliceAxis != 2
            ? ", slices read across image axis " + std::to_string(m.inference.sliceAxis)
            : std::string())
    << (m.inference.positionChannels ? "; plus 2 channels giving each voxel's distance from the "
                                       "volume centre, which assumes a lesion-centred crop"
                                     : "")
    << ")\n"
    << "- Members: " << m.members.size()
    << " networks (one per cross-validation fold), probabilities averaged"
    << (m.ensembledWith.empty() ? "" : " (primary configuration)") << "\n";
  for (const auto& c : m.ensembledWith) {
    o << "- Ensembled with `" << c.name << "`: " << c.network.dimensions << "D U-Net, "
      << c.network.depth << " levels, " << c.network.baseChannels << " base channels, "
      << c.network.inputChannels << " input channel(s), patches " << c.inference.patchSize[0]
      << " × " << c.inference.patchSize[1] << " × " << c.inference.patchSize[2]
      << (c.inference.sliceAxis != 2
              ? " with slices read across image axis " + std::to_string(c.inference.sliceAxis) +
                    " (the stored slices are across axis 2)"
              : std::string())
      << ", " << c.members.size()
      << " fold networks. The package's probability is the mean of the configurations' "
         "probabilities (each averaged over its folds), with equal weight\n";
  }
  for (const auto& part : m.training.value("ensemble_of", json::array())) {
    o << "- Part `" << part.value("name", "") << "`: cross-validated Dice on its own "
      << fmt(part.value("cross_validated_dice", json())) << "\n";
  }
  for (const auto& a : m.auxiliary) {
    o << "- Auxiliary input `" << a.name << "`"
      << (a.modality.empty() ? std::string() : " (" + a.modality + ")")
      << ": a second image of the same patient, given with `medsight segment --aux " << a.name
      << "=FILE`. It is resampled onto the working grid by physical position only (no "
         "registration), so it must already be in the main image's patient coordinates; ";
    if (a.usesWindow()) {
      o << "intensities are mapped from the window [" << a.windowLow << ", " << a.windowHigh
        << "] to [0, 1]\n";
    } else {
      o << "intensities are divided by their " << a.percentile
        << "th percentile and clipped to [0, " << a.clipHigh << "]\n";
    }
  }
  o << "- Preprocessing (replayed on every input): `" << m.preprocessing.dump() << "`\n"
    << "- Inference: `" << m.inference.toJson().dump() << "`\n"
    << "- Output: mask on the input image's grid (probability resampled linearly, threshold "
    << m.inference.threshold << (m.inference.largestComponent ? ", largest component" : "")
    << ")\n";
  if (!m.intensity.empty()) {
    const json r = m.intensity.toJson();
    o << "- Input check: images whose 1st/99th intensity percentiles fall far outside the "
         "training images' (1st "
      << r["p01"][0].get<double>() << " to " << r["p01"][1].get<double>() << ", 99th "
      << r["p99"][0].get<double>() << " to " << r["p99"][1].get<double>()
      << ") are refused as a likely modality mix-up (e.g. a NIfTI CT or PET given to an MR "
         "model)\n";
  }
  o << "\n## Validation\n\n" << v.value("protocol", "") << ".\n\n";
  if (v.contains("summary")) {
    const json& s = v["summary"];
    o << "| Metric | Mean (95% bootstrap CI over patients; median, SD, range) |\n|---|---|\n"
      << "| Dice | " << summaryLine(s["dice"], 3) << " |\n"
      << "| HD95 (mm) | " << summaryLine(s["hd95_mm"], 1) << " |\n"
      << "| Volume error (%) | " << summaryLine(s["volume_error_percent"], 1) << " |\n"
      << "| Absolute volume error (%) | " << summaryLine(s["absolute_volume_error_percent"], 1)
      << " |\n\n";
  }
  const json rows = v.value("per_patient", json::array());
  // Ensembles of several configurations record how far their parts agreed on each patient.
  const bool agreement = std::any_of(rows.begin(), rows.end(), [](const json& r) {
    return r.contains("configuration_agreement");
  });
  o << "Per patient (each measured by the fold model that did not see it):\n\n"
    << "| Patient | Fold | Dice | HD95 (mm) | Volume (ml) | Reference (ml) | Volume error (%) |"
    << (agreement ? " Configuration agreement |" : "") << "\n|---|---|---|---|---|---|---|"
    << (agreement ? "---|" : "") << "\n";
  for (const auto& r : rows) {
    o << "| " << r["patient"].get<std::string>() << " | " << r.value("fold", 0) << " | "
      << fmt(r["dice"]) << " | " << fmt(r["hd95_mm"], 1) << " | " << fmt(r["volume_ml"], 1) << " | "
      << fmt(r["reference_volume_ml"], 1) << " | " << fmt(r["volume_error_percent"], 1) << " |";
    if (agreement) o << " " << fmt(r.value("configuration_agreement", json())) << " |";
    o << "\n";
  }
  if (agreement) {
    o << "\nConfiguration agreement: the lowest Dice between one configuration's outline and "
         "the ensemble's; `medsight segment` asks for careful review below "
      << TumourSegmentation::kReviewAgreement << ".\n";
  }
  o << "\n## Limitations\n\n";
  for (const auto& l : card.value("limitations", json::array())) {
    o << "- " << l.get<std::string>() << "\n";
  }
  o << "- Cross-validated metrics estimate the training recipe on unseen patients of the same "
       "cohort; the shipped ensemble itself has seen every listed patient.\n\n";
  o << "## Reproduce\n\n```\n"
    << m.training.value("command", "") << "\n```\n\n"
    << "Training time, all folds: " << fmt(m.training.value("training_seconds_all_folds", 0.0), 0)
    << " s. Recipe hash: `" << m.training.value("recipe_sha256", "") << "`.\n";
  return o.str();
}

void SegmentationModelCard::write(const SegmentationModelManifest& manifest,
                                  const std::filesystem::path& path) {
  AtomicFile::write(path, render(manifest));
}

}  // namespace medsight
