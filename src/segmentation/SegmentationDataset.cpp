#include "segmentation/SegmentationDataset.h"

#include <algorithm>

#include "core/Error.h"
#include "core/ParallelFor.h"
#include "io/ImageFileReader.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {

std::vector<std::string> SegmentationDataset::caseIds(
    const std::filesystem::path& root, const std::string& imageFile, const std::string& maskFile,
    const std::vector<AuxiliaryChannel>& auxiliary) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    throw Error(ErrorCode::FileNotFound, root.string() + ": data folder not found");
  }
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const bool auxiliaryPresent = std::all_of(
        auxiliary.begin(), auxiliary.end(),
        [&](const AuxiliaryChannel& a) { return std::filesystem::exists(entry.path() / a.file); });
    if (entry.is_directory() && std::filesystem::exists(entry.path() / imageFile) &&
        std::filesystem::exists(entry.path() / maskFile) && auxiliaryPresent) {
      ids.push_back(entry.path().filename().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) {
    std::string also;
    for (const auto& a : auxiliary) also += ", " + a.file;
    throw Error(ErrorCode::EmptyInput, root.string() + ": no case folder holds all of " +
                                           imageFile + ", " + maskFile + also);
  }
  return ids;
}

SegmentationCase SegmentationDataset::readPair(const std::filesystem::path& image,
                                               const std::filesystem::path& mask,
                                               const std::string& id) {
  SegmentationCase c;
  c.id = id;
  c.originalImage = ImageFileReader::read(image);
  Image m = ImageFileReader::read(mask);
  if (!m.sameGrid(c.originalImage, 1e-3)) {
    throw Error(ErrorCode::GeometryMismatch, id + ": mask " + mask.string() + " and image " +
                                                 image.string() + " do not share a voxel grid");
  }
  Image binary(PixelType::UInt8, m.size(), m.spatialDimension(), 1, c.originalImage.geometry());
  const Image f = m.castTo(PixelType::Float32);
  const auto src = f.pixels<float>();
  auto dst = binary.pixels<std::uint8_t>();
  std::size_t n = 0;
  for (std::size_t i = 0; i < dst.size(); ++i) n += dst[i] = src[i] > 0.5f;
  if (n == 0) throw Error(ErrorCode::EmptyInput, id + ": mask " + mask.string() + " is empty");
  c.originalMask = std::move(binary);
  return c;
}

std::vector<SegmentationCase> SegmentationDataset::load(
    const std::filesystem::path& root, const std::vector<std::string>& ids,
    const std::string& imageFile, const std::string& maskFile, const nlohmann::json& pipeline,
    int threads, const std::vector<AuxiliaryChannel>& auxiliary) {
  const PreprocessPipeline steps = PreprocessPipeline::fromJson(pipeline, "preprocessing");
  std::vector<SegmentationCase> cases(ids.size());
  parallelFor(ids.size(), threads, [&](std::size_t i) {
    SegmentationCase c = readPair(root / ids[i] / imageFile, root / ids[i] / maskFile, ids[i]);
    PreprocessSubject subject{c.originalImage, c.originalMask};
    steps.run(subject);
    c.image = subject.image.castTo(PixelType::Float32);
    c.mask = subject.mask->castTo(PixelType::UInt8);
    for (const auto& a : auxiliary) {
      c.originalAuxiliary.push_back(ImageFileReader::read(root / ids[i] / a.file));
      try {
        c.auxiliary.push_back(a.onto(c.originalAuxiliary.back(), c.image));
      } catch (const Error& e) {
        throw Error(e.code(), ids[i] + ": " + e.what());
      }
    }
    cases[i] = std::move(c);
  });
  return cases;
}

}  // namespace medsight
