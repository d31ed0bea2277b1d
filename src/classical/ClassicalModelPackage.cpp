#include "classical/ClassicalModelPackage.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/JsonText.h"
#include "core/Sha256.h"
#include "core/Version.h"

namespace medsight {
namespace {

nlohmann::json readJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::ModelInvalid, path.string() + ": missing");
  return JsonText::parse(in, path.string(), ErrorCode::ModelInvalid);
}

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

void ClassicalModelPackage::write(const std::filesystem::path& folder, const ClassicalModel& model,
                                  const PackageInfo& info) {
  namespace fs = std::filesystem;
  AtomicFile::writeFolder(folder, [&](const fs::path& staging) {
    nlohmann::json description = model.save(staging);
    description["labels"] = {info.negative, info.positive};
    description["threshold"] = info.threshold;
    AtomicFile::write(staging / "model.json", description.dump(1) + "\n");
    nlohmann::json members = nlohmann::json::array();
    for (const auto& entry : fs::directory_iterator(staging)) {
      const std::string name = entry.path().filename().string();
      if (name == "manifest.json") continue;
      members.push_back({{"file", name}, {"sha256", Sha256::ofFile(entry.path())}});
    }
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a["file"] < b["file"]; });
    nlohmann::json calibration =
        model.fusion() == "late"
            ? nlohmann::json{{"method", "stacked logistic regression on out-of-fold scores"}}
            : description.at("calibration");
    const nlohmann::json manifest{
        {"format", kFormat},
        {"name", info.name},
        {"version", "1.0.0"},
        {"description", info.description},
        {"task", "binary"},
        {"labels", {info.negative, info.positive}},
        {"fusion", model.fusion()},
        {"inputs", {{"columns", model.inputColumns().size()}}},
        {"members", members},
        {"calibration", calibration},
        {"operating_point", {{"threshold", info.threshold}, {"rule", info.thresholdRule}}},
        {"training", info.training},
        {"validation", info.validation},
        {"importance", info.importance},
        {"rules", info.rules},
        {"created", utcNow()},
        {"medsight_version", kVersion}};
    AtomicFile::write(staging / "manifest.json", manifest.dump(2) + "\n");
  });
}

LoadedPackage ClassicalModelPackage::read(const std::filesystem::path& folder) {
  const auto manifestPath = folder / "manifest.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(manifestPath, ec)) {
    throw Error(ErrorCode::ModelInvalid,
                folder.string() + ": not a model package (no manifest.json)");
  }
  LoadedPackage out;
  out.manifest = readJson(manifestPath);
  try {
    if (out.manifest.value("format", "") != kFormat) {
      throw Error(ErrorCode::ModelInvalid,
                  manifestPath.string() + ": not a " + std::string(kFormat) + " manifest");
    }
    bool sawModel = false;
    for (const auto& m : out.manifest.at("members")) {
      const std::string file = m.at("file").get<std::string>();
      if (file.empty() || file.find('/') != std::string::npos ||
          file.find("..") != std::string::npos) {
        throw Error(ErrorCode::ModelInvalid, manifestPath.string() + ": member '" + file +
                                                 "' must be a file in the package");
      }
      const auto path = folder / file;
      if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(ErrorCode::ModelInvalid, path.string() + ": member file missing");
      }
      const std::string expected = m.at("sha256").get<std::string>();
      const std::string actual = Sha256::ofFile(path);
      if (actual != expected) {
        throw Error(ErrorCode::ModelTampered, path.string() + ": SHA-256 " + actual +
                                                  " does not match the manifest's " + expected +
                                                  "; refusing to load");
      }
      sawModel = sawModel || file == "model.json";
    }
    if (!sawModel)
      throw Error(ErrorCode::ModelInvalid, manifestPath.string() + ": no model.json member");
    const nlohmann::json description = readJson(folder / "model.json");
    out.model = ClassicalModel::load(folder, description);
    const auto labels = description.at("labels").get<std::vector<std::string>>();
    if (labels.size() != 2)
      throw Error(ErrorCode::ModelInvalid, folder.string() + ": need 2 labels");
    out.info.negative = labels[0];
    out.info.positive = labels[1];
    out.info.threshold = description.at("threshold").get<double>();
    out.info.name = out.manifest.value("name", "");
    out.info.description = out.manifest.value("description", "");
    out.info.training = out.manifest.value("training", nlohmann::json::object());
    out.info.validation = out.manifest.value("validation", nlohmann::json::object());
    out.info.rules = out.manifest.value("rules", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid,
                manifestPath.string() + ": malformed manifest: " + e.what());
  }
  return out;
}

}  // namespace medsight
