#include "models/TrainingImageFingerprints.h"

#include <fstream>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"
#include "models/LabeledImageSet.h"
#include "models/ModelManifest.h"
#include "models/ModelPackageFiles.h"
#include "models/TrainingDataSets.h"

namespace medsight {
namespace {

constexpr const char* kHeader =
    "# medsight training image fingerprints/1: <fit|select> <first 16 hex digits of SHA-256 of "
    "\"x,y,z,components,pixel type\\n\" + decoded pixels>";

bool isFingerprint(const std::string& text) {
  if (text.size() != 16) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string TrainingImageFingerprints::of(const Image& image) {
  const auto& s = image.size();
  // The shape is part of the content: the same bytes as 28 x 28 and as 14 x 56 are other images.
  const std::string shape = std::to_string(s.x) + "," + std::to_string(s.y) + "," +
                            std::to_string(s.z) + "," + std::to_string(image.components()) + "," +
                            std::string(pixelTypeName(image.pixelType())) + "\n";
  const auto bytes = image.bytes();
  std::string text = shape;
  text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return Sha256::ofString(text).substr(0, 16);
}

TrainingImageFingerprints TrainingImageFingerprints::fromTrainingData(
    const TrainingDataSets& data) {
  TrainingImageFingerprints f;
  for (const auto& image : data.fitted.images) f.fitted_.insert(of(image));
  if (data.selection) {
    for (const auto& image : data.selection->images) {
      const std::string print = of(image);
      if (!f.fitted_.count(print)) f.selection_.insert(print);
    }
  }
  return f;
}

nlohmann::json TrainingImageFingerprints::write(const std::filesystem::path& folder) const {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& p : fitted_) text += "fit " + p + "\n";
  for (const auto& p : selection_) text += "select " + p + "\n";
  AtomicFile::write(folder / kFile, text);
  return {{"file", kFile},
          {"sha256", Sha256::ofString(text)},
          {"fitted", fitted_.size()},
          {"selection", selection_.size()}};
}

std::optional<TrainingImageFingerprints> TrainingImageFingerprints::read(
    const std::filesystem::path& folder, const ModelManifest& manifest) {
  const auto entry = manifest.training.find("image_fingerprints");
  if (entry == manifest.training.end()) return std::nullopt;
  std::string file, sha;
  try {
    file = entry->at("file").get<std::string>();
    sha = entry->at("sha256").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::ModelInvalid,
                (folder / "manifest.json").string() +
                    ": training.image_fingerprints needs \"file\" and \"sha256\"");
  }
  if (file != kFile) {
    throw Error(ErrorCode::ModelInvalid, (folder / "manifest.json").string() +
                                             ": training.image_fingerprints names " + file +
                                             ", expected " + kFile);
  }
  ModelPackageFiles::verifyFile(folder, file, sha);
  std::ifstream in(folder / file);
  TrainingImageFingerprints f;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string kind, print, extra;
    fields >> kind >> print;
    if ((kind != "fit" && kind != "select") || !isFingerprint(print) || (fields >> extra)) {
      throw Error(ErrorCode::ModelInvalid, (folder / file).string() + " line " +
                                               std::to_string(number) +
                                               ": expected \"fit|select <16 hex digits>\"");
    }
    (kind == "fit" ? f.fitted_ : f.selection_).insert(print);
  }
  // The counts the manifest states must be what the file holds (an edited file re-hashed into
  // the manifest would otherwise pass).
  for (const auto& [key, held] :
       {std::pair{"fitted", f.fitted_.size()}, std::pair{"selection", f.selection_.size()}}) {
    if (entry->contains(key) && entry->at(key) != held) {
      throw Error(ErrorCode::ModelInvalid,
                  (folder / file).string() + " holds " + std::to_string(held) + " " + key +
                      " fingerprints; the manifest says " + entry->at(key).dump());
    }
  }
  return f;
}

TrainingOverlap TrainingImageFingerprints::overlapWith(const LabeledImageSet& set) const {
  TrainingOverlap o;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const std::string print = of(set.images[i]);
    const std::string& id = i < set.ids.size() ? set.ids[i] : print;
    if (fitted_.count(print)) {
      ++o.fitted;
      o.fittedIds.push_back(id);
    } else if (selection_.count(print)) {
      ++o.selection;
      o.selectionIds.push_back(id);
    }
  }
  return o;
}

}  // namespace medsight
