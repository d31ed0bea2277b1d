#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/Image.h"

namespace medsight {

/// \brief Images with integer class labels, ids and optional extra columns (e.g. subgroups),
/// loaded from a MedMNIST-style `.npz` split or from a labels CSV (paths relative to the CSV).
struct LabeledImageSet {
  std::vector<Image> images;
  std::vector<int> labels;
  std::vector<std::string> ids;
  /// \brief Extra CSV columns by name, one value per image (subgroups for reports).
  std::map<std::string, std::vector<std::string>> columns;
  /// \brief Where the data came from (file and split or label column), for manifests.
  std::string source;

  /// \brief Number of images.
  std::size_t size() const { return images.size(); }
  /// \brief Images per label value.
  std::map<int, std::size_t> classCounts() const;
  /// \brief SHA-256 over ids, labels and pixel bytes: identifies the exact data a model saw.
  std::string contentHash() const;
  /// \brief The subset at `indices` (in that order).
  LabeledImageSet subset(const std::vector<std::size_t>& indices) const;
  /// \brief The first `limit` images (all when `limit` is 0 or not smaller than the size), as a
  /// training config's `train_limit`/`val_limit` select them.
  LabeledImageSet firstN(std::size_t limit) const;
  /// \brief The `data_sha256` a manifest records for a model trained on an NPZ's training and
  /// validation splits, so that the data can be recognised again by content.
  static std::string splitPairHash(const LabeledImageSet& train, const LabeledImageSet& val);
  /// \brief Throws LabelMismatch if a label is outside [0, classes) and EmptyInput if empty.
  void validateLabels(int classes, const std::string& context) const;

  /// \brief Reads `<split>_images` and `<split>_labels` from an npz archive (MedMNIST layout).
  static LabeledImageSet fromNpz(const std::filesystem::path& path, const std::string& split);
  /// \brief Reads a CSV with a header: `imageColumn` holds paths (relative to the CSV's folder)
  /// and `labelColumn` integer labels; other columns are kept. Images load in parallel.
  /// Rows whose image is missing or unreadable fail the whole load with the row named.
  static LabeledImageSet fromCsv(const std::filesystem::path& path, const std::string& imageColumn,
                                 const std::string& labelColumn, int threads = 0);
  /// \brief Whether `path` names an npz archive (by content) rather than a CSV.
  static bool isNpz(const std::filesystem::path& path);
};

/// \brief Stratified splits of indices with a fixed seed.
class StratifiedSplitter {
 public:
  /// \brief Splits indices 0..n-1 into (first, second) with `secondFraction` of each class in
  /// the second part.
  static std::pair<std::vector<std::size_t>, std::vector<std::size_t>> split(
      const std::vector<int>& labels, double secondFraction, std::uint64_t seed);
  /// \brief K stratified folds: fold f's validation indices are result[f].
  static std::vector<std::vector<std::size_t>> folds(const std::vector<int>& labels, int k,
                                                     std::uint64_t seed);
};

}  // namespace medsight
