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

/// One configuration to be averaged: a package from segment-train, or one part of an ensemble.
struct EnsemblePart {
  std::filesystem::path folder;  ///< package folder holding its weights
  std::size_t package = 0;       ///< index of that package among the inputs
  SegmentationConfiguration configuration;
  std::vector<AuxiliaryChannel> auxiliary;  ///< the images it reads beside the main one
  json record;                              ///< name, command, recipe hash, time, CV Dice
  std::filesystem::path cv;                 ///< its per-fold training records ("" if none)
  bool ofEnsemble = false;                  ///< one part of an ensemble package
};

/// How the recipe of a segment-train package was trained, as listed in `training.ensemble_of`.
json recordOf(const SegmentationModelManifest& m) {
  const auto& t = m.training;
  return {{"name", m.name},
          {"command", t.value("command", "")},
          {"recipe_sha256", t.value("recipe_sha256", "")},
          {"training_seconds_all_folds", t.value("training_seconds_all_folds", 0.0)},
          {"cross_validated_dice", m.validation.value("summary", json::object())
                                       .value("dice", json::object())
                                       .value("mean", json())}};
}

/// The parts of the package in `folder`: itself, or for an ensemble its primary configuration
/// and then the others, in the order this builder recorded them (`training.ensemble_of`).
std::vector<EnsemblePart> partsOf(const SegmentationModelManifest& m,
                                  const std::filesystem::path& folder, std::size_t index) {
  const bool ensemble = !m.ensembledWith.empty();
  const json records =
      ensemble ? m.training.value("ensemble_of", json::array()) : json::array({recordOf(m)});
  if (!records.is_array() || records.size() != m.ensembledWith.size() + 1) {
    throw Error(ErrorCode::InvalidArgument,
                "segment-ensemble: " + folder.string() +
                    " is an ensemble without a record of each part (training.ensemble_of); give "
                    "its parts' packages instead");
  }
  std::vector<SegmentationConfiguration> configurations{
      {records[0].value("name", m.name), m.network, m.inference, m.members}};
  configurations.insert(configurations.end(), m.ensembledWith.begin(), m.ensembledWith.end());
  std::vector<EnsemblePart> parts;
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    if (records[i].value("name", "") != configurations[i].name) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment-ensemble: " + folder.string() + ": training.ensemble_of[" +
                      std::to_string(i) + "] does not name the part " + configurations[i].name);
    }
    EnsemblePart p;
    p.folder = folder;
    p.package = index;
    p.configuration = configurations[i];
    // A part reads the main image and the first (image_channels - 1) auxiliary images.
    const std::size_t reads =
        static_cast<std::size_t>(std::max(0, configurations[i].inference.imageChannels - 1));
    p.auxiliary.assign(m.auxiliary.begin(),
                       m.auxiliary.begin() + std::min(reads, m.auxiliary.size()));
    p.record = records[i];
    p.ofEnsemble = ensemble;
    // segment-train keeps its fold records in cv/; an ensemble one folder per part.
    const auto cv = ensemble ? folder / "cv" / (configurations[i].name + "-" + std::to_string(i))
                             : folder / "cv";
    if (std::filesystem::is_directory(cv)) p.cv = cv;
    parts.push_back(std::move(p));
  }
  return parts;
}

}  // namespace

SegmentationEnsembleBuilder::SegmentationEnsembleBuilder(
    std::vector<std::filesystem::path> packages, std::filesystem::path output, int threads,
    std::string commandLine, std::vector<std::string> leaveOut)
    : packages_(std::move(packages)),
      output_(std::move(output)),
      threads_(threads),
      commandLine_(std::move(commandLine)),
      leaveOut_(std::move(leaveOut)) {}

SegmentationModelManifest SegmentationEnsembleBuilder::build(const std::string& name,
                                                             const std::string& description) {
  if (packages_.empty()) {
    throw Error(ErrorCode::InvalidArgument, "segment-ensemble: give at least two packages");
  }
  std::vector<SegmentationModelManifest> in;
  std::vector<EnsemblePart> parts;
  for (const auto& p : packages_) {
    if (std::filesystem::exists(output_) && std::filesystem::equivalent(p, output_)) {
      throw Error(ErrorCode::InvalidArgument, "segment-ensemble: the output folder " +
                                                  output_.string() + " is one of the inputs");
    }
    in.push_back(SegmentationModelManifest::read(p));
    in.back().verify(p);
    for (auto& part : partsOf(in.back(), p, in.size() - 1)) parts.push_back(std::move(part));
  }
  // --leave-out drops parts of the ensemble packages given (the ones being replaced); a package
  // named on the command line is always joined, even when it has a dropped part's recipe name.
  std::string ensembleParts;
  for (const auto& p : parts) {
    if (p.ofEnsemble) {
      ensembleParts += (ensembleParts.empty() ? "" : ", ") + p.configuration.name;
    }
  }
  for (const auto& drop : leaveOut_) {
    auto dropped = [&](const EnsemblePart& p) {
      return p.ofEnsemble && p.configuration.name == drop;
    };
    const auto hit = std::find_if(parts.begin(), parts.end(), dropped);
    if (hit == parts.end()) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment-ensemble: --leave-out " + drop +
                      ": no part of an ensemble package given has that name" +
                      (ensembleParts.empty() ? std::string(" (no ensemble package was given)")
                                             : " (its parts are " + ensembleParts + ")"));
    }
    if (hit == parts.begin()) {
      throw Error(ErrorCode::InvalidArgument,
                  "segment-ensemble: " + drop +
                      " is the primary part (its threshold and card carry over); give the "
                      "package that should be primary first instead of leaving it out");
    }
    parts.erase(std::remove_if(parts.begin(), parts.end(), dropped), parts.end());
  }
  if (parts.size() < 2) {
    throw Error(ErrorCode::InvalidArgument,
                "segment-ensemble: give at least two packages (or an ensemble package): only " +
                    std::to_string(parts.size()) + " part (" + parts.front().configuration.name +
                    ") is left to join");
  }
  const EnsemblePart& first = parts.front();
  const SegmentationModelManifest& primary = in[first.package];
  const json data = primary.training.value("config", json::object()).value("data", json::object());
  if (!primary.training.contains("data_root") || !primary.training.contains("patients") ||
      !data.contains("image") || !data.contains("mask")) {
    throw Error(ErrorCode::InvalidArgument,
                "segment-ensemble: " + packages_[0].string() +
                    " has no training record (data root, patients, image and mask files); "
                    "ensemble packages written by segment-train");
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (const auto& a : parts[i].configuration.members) {
        for (const auto& b : parts[j].configuration.members) {
          if (a.sha256 == b.sha256) {
            throw Error(ErrorCode::InvalidArgument,
                        "segment-ensemble: " + parts[i].folder.string() + " and " +
                            parts[j].folder.string() + " share the network " + a.file +
                            " (same SHA-256); each part must be a different recipe");
          }
        }
      }
    }
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto& m = in[parts[i].package];
    const auto& folder = parts[i].folder;
    if (m.preprocessing != primary.preprocessing) {
      throw mismatch(first.folder, folder, "the preprocessing differs");
    }
    if (m.modality != primary.modality || m.structure != primary.structure) {
      throw mismatch(first.folder, folder, "modality or structure differs");
    }
    if (m.training.value("patients", json()) != primary.training["patients"] ||
        m.training.value("data_root", json()) != primary.training["data_root"]) {
      throw mismatch(first.folder, folder, "it was trained on other patients");
    }
    const auto& members = parts[i].configuration.members;
    if (members.size() != first.configuration.members.size()) {
      throw mismatch(first.folder, folder, "it has a different number of folds");
    }
    for (const auto& p : first.configuration.members) {
      const SegmentationMember* other = memberOfFold(members, p.fold);
      if (!other || sorted(other->heldOut) != sorted(p.heldOut)) {
        throw mismatch(first.folder, folder,
                       "fold " + std::to_string(p.fold) + " holds out other patients");
      }
    }
  }

  // Auxiliary channels: a part may take the main image alone while another also takes PET; the
  // package accepts the longest list, and each part reads the first channels of it.
  std::vector<AuxiliaryChannel> auxiliary;
  for (const auto& p : parts) {
    if (p.auxiliary.size() > auxiliary.size()) auxiliary = p.auxiliary;
  }
  auto recipeOf = [](AuxiliaryChannel c) {
    c.intensity = {};  // learned from the same cases; re-learned below
    return c.toJson();
  };
  for (const auto& p : parts) {
    for (std::size_t k = 0; k < p.auxiliary.size(); ++k) {
      if (recipeOf(p.auxiliary[k]) != recipeOf(auxiliary[k])) {
        throw mismatch(first.folder, p.folder,
                       "its auxiliary input channels differ (" + p.auxiliary[k].name + ")");
      }
    }
  }

  // The package: the primary configuration as is, the others' weights renamed by recipe.
  // Everything is written to a staging folder next to the output and swapped in only when
  // complete (AtomicFile::writeFolder), so a failed or interrupted run leaves any existing
  // package untouched.
  AtomicFile::requireReplaceableFolder(output_, "segment-ensemble --out");
  SegmentationModelManifest out = primary;
  out.network = first.configuration.network;
  out.inference = first.configuration.inference;
  out.members = first.configuration.members;
  out.ensembledWith.clear();
  out.auxiliary = auxiliary;
  out.name = name.empty() ? primary.name : name;
  out.description = description;
  if (out.description.empty()) {
    // The primary's own description speaks of it alone; say what was joined. An ensemble's
    // description already lists its parts, so take its primary recipe's.
    const json recipe = primary.training.value("config", json::object());
    const std::string primaryText = recipe.contains("description")
                                        ? recipe["description"].get<std::string>()
                                    : primary.ensembledWith.empty() ? primary.description
                                                                    : first.configuration.name;
    out.description = "Ensemble of " + std::to_string(parts.size()) + " recipes (";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      out.description += (i ? ", " : "") + parts[i].configuration.name + " (" +
                         std::to_string(parts[i].configuration.network.dimensions) + "D U-Net)";
    }
    out.description += "), probabilities averaged. Primary: " + primaryText;
  }
  AtomicFile::writeFolder(output_, [&](const std::filesystem::path& stage) {
    for (const auto& m : out.members) {
      std::filesystem::copy_file(first.folder / m.file, stage / m.file,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
      SegmentationConfiguration c = parts[i].configuration;
      for (auto& m : c.members) {
        const std::string file =
            c.name + "-" + std::to_string(i) + ".fold" + std::to_string(m.fold) + ".pt";
        std::filesystem::copy_file(parts[i].folder / m.file, stage / file,
                                   std::filesystem::copy_options::overwrite_existing);
        m.file = file;
      }
      out.ensembledWith.push_back(std::move(c));
    }

    // Each part's per-fold training records (curves, held-out metrics) travel with it.
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].cv.empty()) continue;
      const auto to = stage / "cv" / (parts[i].configuration.name + "-" + std::to_string(i));
      std::filesystem::create_directories(to);
      std::filesystem::copy(parts[i].cv, to,
                            std::filesystem::copy_options::recursive |
                                std::filesystem::copy_options::overwrite_existing);
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
    for (const auto& member : out.members) {
      auto primaryNetwork = std::make_shared<const SegmentationNetworkEnsemble>(
          out.network, std::vector<std::filesystem::path>{stage / member.file}, threads_);
      std::vector<std::shared_ptr<const SegmentationNetworkEnsemble>> others;
      for (const auto& c : out.ensembledWith) {
        others.push_back(std::make_shared<const SegmentationNetworkEnsemble>(
            c.network,
            std::vector<std::filesystem::path>{stage / memberOfFold(c.members, member.fold)->file},
            threads_));
      }
      const TumourSegmenter segmenter(out, primaryNetwork, others);
      for (const auto& c : cases) {
        if (std::find(member.heldOut.begin(), member.heldOut.end(), c.id) == member.heldOut.end()) {
          continue;
        }
        const TumourSegmentation s = segmenter.segment(c.originalImage, c.originalAuxiliaryViews());
        const MaskAgreement a = MaskComparison::compare(s.mask, c.originalMask);
        spdlog::info("ensemble fold {} {}: Dice {:.3f}", member.fold, c.id, a.dice);
        json row = SegmentationCrossValidation::patientMetrics(c.id, a, s.seconds);
        if (s.configurationAgreement) row["configuration_agreement"] = *s.configurationAgreement;
        row["fold"] = member.fold;
        perPatient.push_back(row);
      }
    }
    const std::uint64_t seed = primary.training.value("config", json::object())
                                   .value("cross_validation", json::object())
                                   .value("seed", std::uint64_t{0});
    out.validation = SegmentationCrossValidation::validationRecord(
        perPatient, ids.size(),
        std::to_string(out.members.size()) +
            "-fold patient-level cross-validation of the ensemble; each patient measured once, by "
            "the fold models of every configuration that never saw them (probabilities averaged), "
            "on the original image grid",
        seed);

    json records = json::array();
    std::string reproduce;
    double seconds = 0.0;
    for (const auto& p : parts) {
      records.push_back(p.record);
      reproduce += p.record.value("command", "") + "\n";
      seconds += p.record.value("training_seconds_all_folds", 0.0);
    }
    out.training["ensemble_of"] = records;
    out.training["command"] = reproduce + commandLine_;
    out.training["training_seconds_all_folds"] = seconds;
    out.write(stage);
    SegmentationModelCard::write(out, stage / "MODEL_CARD.md");
  });
  return out;
}

}  // namespace medsight
