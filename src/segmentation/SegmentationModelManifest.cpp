#include "segmentation/SegmentationModelManifest.h"

#include <algorithm>
#include <fstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"
#include "models/ModelPackageFiles.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {

namespace {

nlohmann::json membersJson(const std::vector<SegmentationMember>& members) {
  nlohmann::json m = nlohmann::json::array();
  for (const auto& s : members) {
    m.push_back(
        {{"file", s.file}, {"sha256", s.sha256}, {"fold", s.fold}, {"held_out", s.heldOut}});
  }
  return m;
}

std::vector<SegmentationMember> membersFromJson(const nlohmann::json& j,
                                                const std::string& context) {
  std::vector<SegmentationMember> out;
  for (const auto& s : j) {
    SegmentationMember member;
    member.file = s.at("file").get<std::string>();
    member.sha256 = s.at("sha256").get<std::string>();
    member.fold = s.value("fold", 0);
    member.heldOut = s.value("held_out", std::vector<std::string>{});
    if (member.file.find('/') != std::string::npos || member.file.find("..") != std::string::npos) {
      throw Error(ErrorCode::ModelInvalid, context + ": member file '" + member.file +
                                               "' must be a plain file name in the package");
    }
    out.push_back(member);
  }
  if (out.empty()) throw Error(ErrorCode::ModelInvalid, context + ": no weights listed");
  return out;
}

}  // namespace

const char* SegmentationModelManifest::requiredFormat() const {
  const bool windowed = std::any_of(auxiliary.begin(), auxiliary.end(),
                                    [](const AuxiliaryChannel& c) { return c.usesWindow(); });
  // A format-1 reader takes `clahe` for ITK's equalisation and would refuse OpenCV's NLM
  // settings only by accident of its parameter check; format 2 tells it plainly.
  const bool openCv = !preprocessing.is_null() &&
                      PreprocessPipeline::fromJson(preprocessing, "preprocessing").usesOpenCv();
  const bool otherSliceAxis =
      inference.sliceAxis != 2 ||
      std::any_of(ensembledWith.begin(), ensembledWith.end(),
                  [](const SegmentationConfiguration& c) { return c.inference.sliceAxis != 2; });
  if (otherSliceAxis) return kFormatV3;
  return windowed || openCv ? kFormatV2 : kFormat;
}

nlohmann::json SegmentationModelManifest::toJson() const {
  const nlohmann::json m = membersJson(members);
  nlohmann::json j = {{"format", requiredFormat()},
                      {"name", name},
                      {"version", version},
                      {"description", description},
                      {"task", "segmentation"},
                      {"labels", {"background", structure}},
                      {"accepts", {{"modality", modality}, {"intensity", intensity.toJson()}}},
                      {"network", network.toJson()},
                      // Every parameter written out, so later changes of a default cannot
                      // change what the package replays.
                      {"preprocessing",
                       preprocessing.is_null()
                           ? preprocessing
                           : PreprocessPipeline::fromJson(preprocessing, "preprocessing").toJson()},
                      {"inference", inference.toJson()},
                      {"members", m},
                      {"training", training},
                      {"validation", validation}};
  if (!auxiliary.empty()) j["accepts"]["auxiliary"] = AuxiliaryChannel::listToJson(auxiliary);
  if (!ensembledWith.empty()) {
    nlohmann::json configs = nlohmann::json::array();
    for (const auto& c : ensembledWith) {
      configs.push_back({{"name", c.name},
                         {"network", c.network.toJson()},
                         {"inference", c.inference.toJson()},
                         {"members", membersJson(c.members)}});
    }
    j["ensembled_with"] = configs;
  }
  return j;
}

SegmentationModelManifest SegmentationModelManifest::fromJson(const nlohmann::json& j,
                                                              const std::string& context) {
  try {
    const std::string format = j.value("format", "");
    if (format != kFormat && format != kFormatV2 && format != kFormatV3) {
      const std::string prefix = "medsight-segmentation/";
      if (format.rfind(prefix, 0) == 0) {
        const std::string number = format.substr(prefix.size());
        const bool newer = !number.empty() && number.size() < 6 &&
                           std::all_of(number.begin(), number.end(),
                                       [](char c) { return c >= '0' && c <= '9'; }) &&
                           std::stoi(number) > 3;
        throw Error(ErrorCode::ModelInvalid,
                    context + ": package format '" + format + "' " +
                        (newer ? "is newer than this MedSight reads (" + std::string(kFormat) +
                                     ", " + kFormatV2 + ", " + kFormatV3 + "); update MedSight"
                               : "is not one MedSight knows (it reads " + std::string(kFormat) +
                                     ", " + kFormatV2 + " and " + kFormatV3 + ")"));
      }
      throw Error(ErrorCode::ModelInvalid, context + ": not a " + std::string(kFormat) +
                                               " manifest (is this a classification model?)");
    }
    SegmentationModelManifest m;
    m.name = j.at("name").get<std::string>();
    m.version = j.value("version", m.version);
    m.description = j.value("description", "");
    const auto labels = j.at("labels").get<std::vector<std::string>>();
    if (labels.size() != 2) throw Error(ErrorCode::ModelInvalid, context + ": needs 2 labels");
    m.structure = labels[1];
    const auto accepts = j.value("accepts", nlohmann::json::object());
    m.modality = accepts.value("modality", "");
    m.intensity = IntensitySignature::fromJson(accepts.value("intensity", nlohmann::json()));
    m.auxiliary =
        AuxiliaryChannel::listFromJson(accepts.value("auxiliary", nlohmann::json()), context);
    m.network = UNetSpec::fromJson(j.at("network"));
    // Format 1 does not say whether bare `clahe` / `non_local_means` meant ITK's filters (until
    // 2026-11-27) or OpenCV's (binaries built from fe070b1 to 74f4558, four hours on 2026-11-27,
    // which no shipped package comes from): they are read as ITK's. Since 74f4558 packages write
    // every parameter and OpenCV preprocessing needs format 2. (Format-2 packages of the half
    // hour from 1c0c9e7 to fe070b1 with a bare `non_local_means` meant ITK's; none exist.)
    const nlohmann::json stored =
        format == kFormat ? PreprocessPipeline::withPreOpenCvMeaning(j.at("preprocessing"))
                          : j.at("preprocessing");
    m.preprocessing = PreprocessPipeline::fromJson(stored, context + ": preprocessing").toJson();
    m.inference = SlidingWindowSettings::fromJson(j.at("inference"));
    m.members = membersFromJson(j.at("members"), context);
    const auto ensembled = j.value("ensembled_with", nlohmann::json::array());
    if (!ensembled.is_array()) {
      throw Error(ErrorCode::ModelInvalid, context + ": 'ensembled_with' must be a list");
    }
    for (const auto& c : ensembled) {
      SegmentationConfiguration config;
      config.name = c.at("name").get<std::string>();
      config.network = UNetSpec::fromJson(c.at("network"));
      config.inference = SlidingWindowSettings::fromJson(c.at("inference"));
      config.members = membersFromJson(c.at("members"), context + ": " + config.name);
      m.ensembledWith.push_back(std::move(config));
    }
    const int stacked = 1 + static_cast<int>(m.auxiliary.size());
    for (const SlidingWindowSettings* s : [&] {
           std::vector<const SlidingWindowSettings*> v{&m.inference};
           for (const auto& c : m.ensembledWith) v.push_back(&c.inference);
           return v;
         }()) {
      if (const auto why = s->sliceAxisProblem()) {
        throw Error(ErrorCode::ModelInvalid, context + ": " + *why);
      }
      if (s->imageChannels < 1 || s->imageChannels > stacked) {
        throw Error(ErrorCode::ModelInvalid,
                    context + ": a configuration takes " + std::to_string(s->imageChannels) +
                        " image channel(s) but the package accepts " + std::to_string(stacked));
      }
    }
    // Format 1 with a format-2 feature (a fixed-window auxiliary channel, written as format 1 on
    // 2026-11-26; or OpenCV preprocessing named by its own settings) is read as it says: this
    // MedSight knows both. Rewriting the package (segment-ensemble) labels it format 2.
    m.training = j.value("training", nlohmann::json::object());
    m.validation = j.value("validation", nlohmann::json::object());
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed manifest: " + e.what());
  } catch (const Error& e) {
    if (e.code() == ErrorCode::InvalidConfiguration) {
      throw Error(ErrorCode::ModelInvalid, e.what());
    }
    throw;
  }
}

SegmentationModelManifest SegmentationModelManifest::read(const std::filesystem::path& folder) {
  return fromJson(ModelPackageFiles::readManifest(folder), (folder / "manifest.json").string());
}

void SegmentationModelManifest::write(const std::filesystem::path& folder) const {
  AtomicFile::write(folder / "manifest.json", toJson().dump(2) + "\n");
}

std::vector<const SegmentationMember*> SegmentationModelManifest::allMembers() const {
  std::vector<const SegmentationMember*> all;
  for (const auto& m : members) all.push_back(&m);
  for (const auto& c : ensembledWith) {
    for (const auto& m : c.members) all.push_back(&m);
  }
  return all;
}

void SegmentationModelManifest::verify(const std::filesystem::path& folder) const {
  for (const auto* m : allMembers()) ModelPackageFiles::verifyFile(folder, m->file, m->sha256);
}

}  // namespace medsight
