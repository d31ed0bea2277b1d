#include "segmentation/SegmentationDataset.h"

#include <algorithm>

#include "core/Error.h"
#include "core/ParallelFor.h"
#include "io/ImageFileReader.h"
#include "preprocess/PreprocessPipeline.h"

namespace medsight {

std::vector<std::string> SegmentationDataset::caseIds(const std::filesystem::path& root,
                                                      const std::string& imageFile,
                                                      const std::string& maskFile) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    throw Error(ErrorCode::FileNotFound, root.string() + ": data folder not found");
  }
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / imageFile) &&
        std::filesystem::exists(entry.path() / maskFile)) {
      ids.push_back(entry.path().filename().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) {
    throw Error(ErrorCode::EmptyInput,
                root.string() + ": no case folder holds both " + imageFile + " and " + maskFile);
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

std::vector<SegmentationCase> SegmentationDataset::load(const std::filesystem::path& root,
                                                        const std::vector<std::string>& ids,
                                                        const std::string& imageFile,
                                                        const std::string& maskFile,
                                                        const nlohmann::json& pipeline,
                                                        int threads) {
  const PreprocessPipeline steps = PreprocessPipeline::fromJson(pipeline, "preprocessing");
  std::vector<SegmentationCase> cases(ids.size());
  parallelFor(ids.size(), threads, [&](std::size_t i) {
    SegmentationCase c = readPair(root / ids[i] / imageFile, root / ids[i] / maskFile, ids[i]);
    PreprocessSubject subject{c.originalImage, c.originalMask};
    steps.run(subject);
    c.image = subject.image.castTo(PixelType::Float32);
    c.mask = subject.mask->castTo(PixelType::UInt8);
    cases[i] = std::move(c);
  });
  return cases;
}

}  // namespace medsight
