#include "models/ModelManifest.h"

#include <fstream>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"
#include "models/ModelPackageFiles.h"

namespace medsight {

nlohmann::json ModelManifest::toJson() const {
  nlohmann::json members_ = nlohmann::json::array();
  for (const auto& m : members) {
    members_.push_back({{"file", m.file},
                        {"sha256", m.sha256},
                        {"seed", m.seed},
                        {"validation_auc", m.validationAuc},
                        {"best_epoch", m.bestEpoch}});
  }
  return {{"format", kFormat},
          {"name", name},
          {"version", version},
          {"description", description},
          {"task", task},
          {"labels", labels},
          {"architecture", architecture.toJson()},
          {"preprocessing", preprocessing.toJson()},
          {"members", members_},
          {"test_time_augmentation", testTimeAugmentation},
          {"allow_flip", allowFlip},
          {"calibration", {{"method", "temperature"}, {"temperature", temperature}}},
          {"operating_point", {{"threshold", threshold}, {"rule", thresholdRule}}},
          {"accepts", {{"modalities", acceptedModalities}}},
          {"explain", {{"gradcam_layer", gradcamLayer}}},
          {"training", training},
          {"validation", validation}};
}

ModelManifest ModelManifest::fromJson(const nlohmann::json& j, const std::string& context) {
  try {
    if (j.value("format", "") != kFormat) {
      throw Error(ErrorCode::ModelInvalid,
                  context + ": not a " + std::string(kFormat) + " manifest");
    }
    ModelManifest m;
    m.name = j.at("name").get<std::string>();
    m.version = j.value("version", m.version);
    m.description = j.value("description", "");
    m.task = j.value("task", m.task);
    m.labels = j.at("labels").get<std::vector<std::string>>();
    m.architecture = ArchitectureSpec::fromJson(j.at("architecture"));
    m.preprocessing = PreprocessingSpec::fromJson(j.at("preprocessing"));
    for (const auto& mem : j.at("members")) {
      ModelMember member;
      member.file = mem.at("file").get<std::string>();
      member.sha256 = mem.at("sha256").get<std::string>();
      member.seed = mem.value("seed", 0ull);
      member.validationAuc = mem.value("validation_auc", 0.0);
      member.bestEpoch = mem.value("best_epoch", 0);
      if (member.file.find('/') != std::string::npos ||
          member.file.find("..") != std::string::npos) {
        throw Error(ErrorCode::ModelInvalid, context + ": member file '" + member.file +
                                                 "' must be a plain file name in the package");
      }
      m.members.push_back(member);
    }
    if (m.members.empty()) throw Error(ErrorCode::ModelInvalid, context + ": no weights listed");
    m.testTimeAugmentation = j.value("test_time_augmentation", false);
    m.allowFlip = j.value("allow_flip", false);
    m.temperature = j.at("calibration").value("temperature", 1.0);
    m.threshold = j.at("operating_point").value("threshold", 0.5);
    m.thresholdRule = j.at("operating_point").value("rule", "");
    m.acceptedModalities = j.value("accepts", nlohmann::json::object())
                               .value("modalities", std::vector<std::string>{});
    m.gradcamLayer = j.value("explain", nlohmann::json::object()).value("gradcam_layer", "");
    m.training = j.value("training", nlohmann::json::object());
    m.validation = j.value("validation", nlohmann::json::object());
    if (!(m.temperature > 0)) throw Error(ErrorCode::ModelInvalid, context + ": temperature <= 0");
    if (m.task == "binary" && (m.labels.size() != 2 || m.architecture.outputs != 1)) {
      throw Error(ErrorCode::ModelInvalid, context + ": a binary model has 2 labels and 1 output");
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed manifest: " + e.what());
  }
}

ModelManifest ModelManifest::read(const std::filesystem::path& folder) {
  return fromJson(ModelPackageFiles::readManifest(folder), (folder / "manifest.json").string());
}

void ModelManifest::write(const std::filesystem::path& folder) const {
  AtomicFile::write(folder / "manifest.json", toJson().dump(2) + "\n");
}

void ModelManifest::verify(const std::filesystem::path& folder) const {
  for (const auto& m : members) ModelPackageFiles::verifyFile(folder, m.file, m.sha256);
}

std::string ModelManifest::weightsHash() const {
  std::string all;
  for (const auto& m : members) all += m.sha256 + "\n";
  return Sha256::ofString(all);
}

}  // namespace medsight
