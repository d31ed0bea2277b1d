#include "preprocess/DatasetFingerprint.h"

#include <algorithm>
#include <mutex>

#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/ParallelFor.h"
#include "io/ImageFileReader.h"
#include "preprocess/BoundingBoxCropper.h"
#include "preprocess/IntensityStatistics.h"
#include "preprocess/MaskComparison.h"

namespace medsight {

DatasetFingerprint DatasetFingerprint::measure(const std::filesystem::path& root,
                                               const std::string& imageFile,
                                               const std::string& maskFile, int threads) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(root, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                root.string() + ": is a file; give the data folder (one sub-folder per case)");
  }
  if (!std::filesystem::is_directory(root, ec)) {
    throw Error(ErrorCode::FileNotFound, root.string() + ": data folder not found");
  }
  std::vector<std::filesystem::path> folders;
  std::vector<std::string> skipped;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    const bool hasImage = std::filesystem::exists(e.path() / imageFile);
    const bool hasMask = std::filesystem::exists(e.path() / maskFile);
    if (hasImage && hasMask) {
      folders.push_back(e.path());
    } else if (hasImage || hasMask) {
      skipped.push_back(e.path().filename().string() + " (no " + (hasImage ? maskFile : imageFile) +
                        ")");
    }
  }
  std::sort(folders.begin(), folders.end());
  std::sort(skipped.begin(), skipped.end());
  if (folders.empty()) {
    throw Error(ErrorCode::EmptyInput,
                root.string() + ": no case folder holds both " + imageFile + " and " + maskFile);
  }
  DatasetFingerprint fp;
  if (!skipped.empty()) {
    std::string list;
    for (const auto& k : skipped) list += (list.empty() ? "" : ", ") + k;
    fp.warnings.push_back(std::to_string(skipped.size()) + " case folder" +
                          (skipped.size() == 1 ? " was" : "s were") +
                          " skipped, holding only one of the two files: " + list);
  }
  fp.cases.resize(folders.size());
  std::vector<std::string> flat(folders.size());
  std::vector<std::size_t> nonFiniteOf(folders.size(), 0);
  std::vector<float> pooled;
  std::mutex mutex;
  parallelFor(folders.size(), threads, [&](std::size_t i) {
    const std::string id = folders[i].filename().string();
    const Image image = ImageFileReader::read(folders[i] / imageFile);
    // NaN outside a field of view is left out of the statistics (IntensityStatistics), so
    // such a case is measured and named, not fatal for the whole plan.
    nonFiniteOf[i] = ImageContentCheck::nonFiniteCount(image);
    Image mask = ImageFileReader::read(folders[i] / maskFile);
    if (!mask.sameGrid(image, 1e-3)) {
      throw Error(ErrorCode::GeometryMismatch,
                  id + ": " + maskFile + " and " + imageFile + " do not share a voxel grid");
    }
    mask.geometry() = image.geometry();
    const auto box = BoundingBoxCropper::nonZeroBox(mask);
    if (!box) throw Error(ErrorCode::EmptyInput, id + ": " + maskFile + " is empty");
    CaseFingerprint c;
    c.id = id;
    c.spacing = image.geometry().spacing;
    c.size = {image.size().x, image.size().y, image.size().z};
    c.modality = image.modality();
    c.foregroundVolumeMl = MaskComparison::volumeMl(mask);
    double voxelMl = c.spacing[0] * c.spacing[1] * c.spacing[2] / 1000.0;
    c.foregroundFraction =
        c.foregroundVolumeMl / voxelMl / static_cast<double>(image.voxelsPerFrame());
    for (int a = 0; a < 3; ++a) c.foregroundExtentMm[a] = box->size[a] * c.spacing[a];
    const auto stats = IntensityStatistics::collect(image, &mask, 20000);
    if (!stats.sorted().empty() && stats.sorted().front() == stats.sorted().back()) {
      flat[i] = id;  // a blank image, or one value inside the mask: nothing to normalise on
    }
    std::lock_guard lock(mutex);
    pooled.insert(pooled.end(), stats.sorted().begin(), stats.sorted().end());
    fp.cases[i] = c;
  });
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (nonFiniteOf[i] > 0) {
      fp.warnings.push_back(folders[i].filename().string() + ": " + imageFile + " has " +
                            std::to_string(nonFiniteOf[i]) +
                            " voxels that are not a number (NaN or infinite), left out of the "
                            "intensity statistics");
    }
  }
  for (const auto& id : flat) {
    if (!id.empty()) {
      fp.warnings.push_back(id + ": " + imageFile +
                            " has one value inside the mask (a blank image?); its intensities "
                            "tell the plan nothing");
    }
  }
  const IntensityStatistics all(std::move(pooled));
  fp.foregroundMean = all.mean();
  fp.foregroundStd = all.standardDeviation();
  fp.foregroundP005 = all.percentile(0.5);
  fp.foregroundP995 = all.percentile(99.5);
  fp.foregroundMedian = all.percentile(50);
  return fp;
}

double DatasetFingerprint::medianSpacing(int axis) const {
  std::vector<double> v;
  for (const auto& c : cases) v.push_back(c.spacing[axis]);
  std::sort(v.begin(), v.end());
  if (v.empty()) return 1.0;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

nlohmann::json DatasetFingerprint::toJson() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& c : cases) {
    rows.push_back({{"id", c.id},
                    {"spacing_mm", c.spacing},
                    {"size", c.size},
                    {"modality", c.modality},
                    {"foreground_fraction", c.foregroundFraction},
                    {"foreground_volume_ml", c.foregroundVolumeMl},
                    {"foreground_extent_mm", c.foregroundExtentMm}});
  }
  return {{"cases", rows},
          {"foreground_intensity",
           {{"mean", foregroundMean},
            {"std", foregroundStd},
            {"p00_5", foregroundP005},
            {"median", foregroundMedian},
            {"p99_5", foregroundP995}}}};
}

}  // namespace medsight
