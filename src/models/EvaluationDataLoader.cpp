#include "models/EvaluationDataLoader.h"

#include "core/Error.h"
#include "io/NpzReader.h"

namespace medsight {

EvaluationDataLoader::Result EvaluationDataLoader::load(
    const std::string& data, const std::string& split, const std::string& imageColumn,
    const std::string& labelColumn, const ModelManifest& manifest, int threads) {
  if (LabeledImageSet::isNpz(data)) {
    std::string used = split;
    if (used.empty()) {
      const NpzReader npz(data);
      used = npz.contains("test_images") ? "test" : "val";
    }
    return {LabeledImageSet::fromNpz(data, used), used};
  }
  if (!split.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "--split applies to npz data; " + data + " is read as a labels CSV");
  }
  std::string column = labelColumn;
  if (column.empty()) {
    column = manifest.training.value("config", nlohmann::json::object())
                 .value("data", nlohmann::json::object())
                 .value("label_column", "label");
  }
  return {LabeledImageSet::fromCsv(data, imageColumn, column, threads), ""};
}

}  // namespace medsight
