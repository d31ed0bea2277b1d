#include "segmentation/SegmentationEnsembleBuilder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/SegmentationCrossValidation.h"
#include "segmentation/SegmentationDataset.h"
#include "segmentation/SegmentationModelCard.h"
#include "segmentation/SegmentationNetworkEnsemble.h"
#include "segmentation/TumourSegmenter.h"

namespace medsight {
namespace {

using nlohmann::json;

Error mismatch(const std::filesystem::path& a, const std::filesystem::path& b,
               const std::string& what) {
  return Error(ErrorCode::InvalidArgument, "segment-ensemble: " + b.string() + " does not fit " +
                                               a.string() + ": " + what +
                                               "; only packages trained on the same patients, "
                                               "folds and preprocessing can be ensembled");
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// The member of `members` that was trained without fold `fold`'s patients (nullptr if none).
const SegmentationMember* memberOfFold(const std::vector<SegmentationMember>& members, int fold) {
  for (const auto& m : members) {
    if (m.fold == fold) return &m;
  }
  return nullptr;
}

}  // namespace

SegmentationEnsembleBuilder::SegmentationEnsembleBuilder(
    std::vector<std::filesystem::path> packages, std::filesystem::path output, int threads,
    std::string commandLine)
    : packages_(std::move(packages)),
      output_(std::move(output)),
      threads_(threads),
      commandLine_(std::move(commandLine)) {}

SegmentationModelManifest SegmentationEnsembleBuilder::build(const std::string& name,
                                                             const std::string& description) {
  if (packages_.size() < 2) {
    throw Error(ErrorCode::InvalidArgument, "segment-ensemble: give at least two packages");
  }
  std::vector<SegmentationModelManifest> in;
  for (const auto& p : packages_) {
    if (std::filesystem::exists(output_) && std::filesystem::equivalent(p, output_)) {
      throw Error(ErrorCode::InvalidArgument, "segment-ensemble: the output folder " +
                                                  output_.string() + " is one of the inputs");
    }
    in.push_back(SegmentationModelManifest::read(p));
    in.back().verify(p);
    if (!in.back().ensembledWith.empty()) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment-ensemble: " + p.string() + " is already an ensemble; give its parts");
    }
  }
  const SegmentationModelManifest& primary = in.front();
  const json data = primary.training.value("config", json::object()).value("data", json::object());
  if (!primary.training.contains("data_root") || !primary.training.contains("patients") ||
      !data.contains("image") || !data.contains("mask")) {
    throw Error(ErrorCode::InvalidArgument,
                "segment-ensemble: " + packages_[0].string() +
                    " has no training record (data root, patients, image and mask files); "
                    "ensemble packages written by segment-train");
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (const auto& a : in[i].members) {
        for (const auto& b : in[j].members) {
          if (a.sha256 == b.sha256) {
            throw Error(ErrorCode::InvalidArgument,
                        "segment-ensemble: " + packages_[i].string() + " and " +
                            packages_[j].string() + " share the network " + a.file +
                            " (same SHA-256); each part must be a different recipe");
          }
        }
      }
    }
  }
  for (std::size_t i = 1; i < in.size(); ++i) {
    const auto& m = in[i];
    if (m.preprocessing != primary.preprocessing) {
      throw mismatch(packages_[0], packages_[i], "the preprocessing differs");
    }
    if (m.modality != primary.modality || m.structure != primary.structure) {
      throw mismatch(packages_[0], packages_[i], "modality or structure differs");
    }
    if (m.training.value("patients", json()) != primary.training["patients"] ||
        m.training.value("data_root", json()) != primary.training["data_root"]) {
      throw mismatch(packages_[0], packages_[i], "it was trained on other patients");
    }
    if (m.members.size() != primary.members.size()) {
      throw mismatch(packages_[0], packages_[i], "it has a different number of folds");
    }
    for (const auto& p : primary.members) {
      const SegmentationMember* other = memberOfFold(m.members, p.fold);
      if (!other || sorted(other->heldOut) != sorted(p.heldOut)) {
        throw mismatch(packages_[0], packages_[i],
                       "fold " + std::to_string(p.fold) + " holds out other patients");
      }
    }
  }

  // Auxiliary channels: a part may take the main image alone while another also takes PET; the
  // package accepts the longest list, and each part reads the first channels of it.
  std::vector<AuxiliaryChannel> auxiliary;
  for (const auto& m : in) {
    if (m.auxiliary.size() > auxiliary.size()) auxiliary = m.auxiliary;
  }
  auto recipeOf = [](AuxiliaryChannel c) {
    c.intensity = {};  // learned from the same cases; re-learned below
    return c.toJson();
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    for (std::size_t k = 0; k < in[i].auxiliary.size(); ++k) {
      if (recipeOf(in[i].auxiliary[k]) != recipeOf(auxiliary[k])) {
        throw mismatch(packages_[0], packages_[i],
                       "its auxiliary input channels differ (" + in[i].auxiliary[k].name + ")");
      }
    }
  }

  // The package: the primary configuration as is, the others' weights renamed by recipe.
  // Everything is written to a staging folder next to the output and swapped in only when
  // complete (AtomicFile::writeFolder), so a failed or interrupted run leaves any existing
  // package untouched.
  if (std::filesystem::exists(output_)) {
    const bool package = std::filesystem::exists(output_ / "manifest.json");
    if (!package && !std::filesystem::is_empty(output_)) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment-ensemble: " + output_.string() +
                      " exists and is not a model package; give a new or package folder");
    }
  }
  SegmentationModelManifest out = primary;
  out.auxiliary = auxiliary;
  out.name = name.empty() ? primary.name : name;
  out.description = description;
  if (out.description.empty()) {
    // The primary's own description speaks of it alone; say what was joined.
    out.description = "Ensemble of " + std::to_string(in.size()) + " recipes (";
    for (std::size_t i = 0; i < in.size(); ++i) {
      out.description += (i ? ", " : "") + in[i].name + " (" +
                         std::to_string(in[i].network.dimensions) + "D U-Net)";
    }
    out.description += "), probabilities averaged. Primary: " + primary.description;
  }
  AtomicFile::writeFolder(output_, [&](const std::filesystem::path& stage) {
    for (const auto& m : primary.members) {
      std::filesystem::copy_file(packages_[0] / m.file, stage / m.file,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    for (std::size_t i = 1; i < in.size(); ++i) {
      SegmentationConfiguration c;
      c.name = in[i].name;
      c.network = in[i].network;
      c.inference = in[i].inference;
      for (auto m : in[i].members) {
        const std::string file = in[i].name + "-" + std::to_string(i) + "." + m.file;
        std::filesystem::copy_file(packages_[i] / m.file, stage / file,
                                   std::filesystem::copy_options::overwrite_existing);
        m.file = file;
        c.members.push_back(m);
      }
      out.ensembledWith.push_back(std::move(c));
    }

    // Each part's per-fold training records (curves, held-out metrics) travel with it.
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (std::filesystem::is_directory(packages_[i] / "cv")) {
        const auto to = stage / "cv" / (in[i].name + "-" + std::to_string(i));
        std::filesystem::create_directories(to);
        std::filesystem::copy(packages_[i] / "cv", to,
                              std::filesystem::copy_options::recursive |
                                  std::filesystem::copy_options::overwrite_existing);
      }
    }

    // Cross-validation of the ensemble: each patient segmented by the fold networks (of every
    // configuration) that never saw it, through the same path `medsight segment` takes.
    const std::filesystem::path root = primary.training["data_root"].get<std::string>();
    const auto ids = primary.training["patients"].get<std::vector<std::string>>();
    const auto cases = SegmentationDataset::load(root, ids, data["image"].get<std::string>(),
                                                 data["mask"].get<std::string>(),
                                                 primary.preprocessing, threads_, auxiliary);
    {
      std::vector<std::vector<const Image*>> perCase;
      for (const auto& c : cases) perCase.push_back(c.originalAuxiliaryViews());
      AuxiliaryChannel::learnIntensities(out.auxiliary, perCase);
    }
    json perPatient = json::array();
    for (const auto& member : primary.members) {
      auto first = std::make_shared<const SegmentationNetworkEnsemble>(
          out.network, std::vector<std::filesystem::path>{stage / member.file}, threads_);
      std::vector<std::shared_ptr<const SegmentationNetworkEnsemble>> others;
      for (const auto& c : out.ensembledWith) {
        others.push_back(std::make_shared<const SegmentationNetworkEnsemble>(
            c.network,
            std::vector<std::filesystem::path>{stage / memberOfFold(c.members, member.fold)->file},
            threads_));
      }
      const TumourSegmenter segmenter(out, first, others);
      for (const auto& c : cases) {
        if (std::find(member.heldOut.begin(), member.heldOut.end(), c.id) == member.heldOut.end()) {
          continue;
        }
        const TumourSegmentation s = segmenter.segment(c.originalImage, c.originalAuxiliaryViews());
        const MaskAgreement a = MaskComparison::compare(s.mask, c.originalMask);
        spdlog::info("ensemble fold {} {}: Dice {:.3f}", member.fold, c.id, a.dice);
        json row = SegmentationCrossValidation::patientMetrics(c.id, a, s.seconds);
        row["fold"] = member.fold;
        perPatient.push_back(row);
      }
    }
    const std::uint64_t seed = primary.training.value("config", json::object())
                                   .value("cross_validation", json::object())
                                   .value("seed", std::uint64_t{0});
    out.validation = SegmentationCrossValidation::validationRecord(
        perPatient, ids.size(),
        std::to_string(primary.members.size()) +
            "-fold patient-level cross-validation of the ensemble; each patient measured once, by "
            "the fold models of every configuration that never saw them (probabilities averaged), "
            "on the original image grid",
        seed);

    json parts = json::array();
    std::string reproduce;
    double seconds = 0.0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const auto& t = in[i].training;
      parts.push_back({{"name", in[i].name},
                       {"command", t.value("command", "")},
                       {"recipe_sha256", t.value("recipe_sha256", "")},
                       {"training_seconds_all_folds", t.value("training_seconds_all_folds", 0.0)},
                       {"cross_validated_dice", in[i]
                                                    .validation.value("summary", json::object())
                                                    .value("dice", json::object())
                                                    .value("mean", json())}});
      reproduce += t.value("command", "") + "\n";
      seconds += t.value("training_seconds_all_folds", 0.0);
    }
    out.training["ensemble_of"] = parts;
    out.training["command"] = reproduce + commandLine_;
    out.training["training_seconds_all_folds"] = seconds;
    out.write(stage);
    SegmentationModelCard::write(out, stage / "MODEL_CARD.md");
  });
  return out;
}

}  // namespace medsight
