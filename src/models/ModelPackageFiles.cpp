#include "models/ModelPackageFiles.h"

#include <fstream>

#include "core/Error.h"
#include "core/JsonText.h"
#include "core/Sha256.h"

namespace medsight {

nlohmann::json ModelPackageFiles::readManifest(const std::filesystem::path& folder) {
  const auto path = folder / "manifest.json";
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorCode::ModelInvalid,
                folder.string() + ": not a model package (no manifest.json)");
  }
  return JsonText::parse(in, path.string(), ErrorCode::ModelInvalid);
}

void ModelPackageFiles::verifyFile(const std::filesystem::path& folder, const std::string& file,
                                   const std::string& expectedSha256) {
  const auto path = folder / file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": package file missing");
  }
  const std::string actual = Sha256::ofFile(path);
  if (actual != expectedSha256) {
    throw Error(ErrorCode::ModelTampered, path.string() + ": SHA-256 " + actual +
                                              " does not match the manifest's " + expectedSha256 +
                                              "; refusing to load");
  }
}

}  // namespace medsight
