#include "segmentation/SegmentationModelManifest.h"

#include <fstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"
#include "models/ModelPackageFiles.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {

nlohmann::json SegmentationModelManifest::toJson() const {
  nlohmann::json m = nlohmann::json::array();
  for (const auto& s : members) {
    m.push_back(
        {{"file", s.file}, {"sha256", s.sha256}, {"fold", s.fold}, {"held_out", s.heldOut}});
  }
  return {{"format", kFormat},
          {"name", name},
          {"version", version},
          {"description", description},
          {"task", "segmentation"},
          {"labels", {"background", structure}},
          {"accepts", {{"modality", modality}, {"intensity", intensity.toJson()}}},
          {"network", network.toJson()},
          {"preprocessing", preprocessing},
          {"inference", inference.toJson()},
          {"members", m},
          {"training", training},
          {"validation", validation}};
}

SegmentationModelManifest SegmentationModelManifest::fromJson(const nlohmann::json& j,
                                                              const std::string& context) {
  try {
    if (j.value("format", "") != kFormat) {
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
    m.network = UNetSpec::fromJson(j.at("network"));
    m.preprocessing = j.at("preprocessing");
    PreprocessPipeline::fromJson(m.preprocessing, context + ": preprocessing");
    m.inference = SlidingWindowSettings::fromJson(j.at("inference"));
    for (const auto& s : j.at("members")) {
      SegmentationMember member;
      member.file = s.at("file").get<std::string>();
      member.sha256 = s.at("sha256").get<std::string>();
      member.fold = s.value("fold", 0);
      member.heldOut = s.value("held_out", std::vector<std::string>{});
      if (member.file.find('/') != std::string::npos ||
          member.file.find("..") != std::string::npos) {
        throw Error(ErrorCode::ModelInvalid, context + ": member file '" + member.file +
                                                 "' must be a plain file name in the package");
      }
      m.members.push_back(member);
    }
    if (m.members.empty()) throw Error(ErrorCode::ModelInvalid, context + ": no weights listed");
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

void SegmentationModelManifest::verify(const std::filesystem::path& folder) const {
  for (const auto& m : members) ModelPackageFiles::verifyFile(folder, m.file, m.sha256);
}

}  // namespace medsight
