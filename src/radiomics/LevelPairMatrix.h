#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>

namespace medsight {

/// \brief Sparse count matrix m(i, j) of grey level i against a second index j (run length,
/// zone size, zone distance or dependence count), shared by GLRLM, GLSZM, GLDZM and NGLDM,
/// whose IBSI features are the same 16 statistics of such a matrix under different names
/// (IBSI 3.7-3.9, 3.11). Merging adds counts and the voxel counts they were taken from.
class LevelPairMatrix {
 public:
  /// \brief The statistics, in the order of IBSI 3.7 (GLRLM naming in brackets).
  enum Statistic {
    SmallEmphasis,            ///< short runs emphasis
    LargeEmphasis,            ///< long runs emphasis
    LowGreyEmphasis,          ///< low grey level run emphasis
    HighGreyEmphasis,         ///< high grey level run emphasis
    SmallLowGreyEmphasis,     ///< short run low grey level emphasis
    SmallHighGreyEmphasis,    ///< short run high grey level emphasis
    LargeLowGreyEmphasis,     ///< long run low grey level emphasis
    LargeHighGreyEmphasis,    ///< long run high grey level emphasis
    GreyNonUniformity,        ///< grey level non-uniformity
    GreyNonUniformityNorm,    ///< normalised grey level non-uniformity
    SecondNonUniformity,      ///< run length non-uniformity
    SecondNonUniformityNorm,  ///< normalised run length non-uniformity
    Percentage,               ///< run percentage
    GreyVariance,             ///< grey level variance
    SecondVariance,           ///< run length variance
    Entropy,                  ///< run entropy
    Energy,                   ///< (NGLDM only) dependence count energy
    StatisticCount
  };

  /// \brief Adds `count` to m(i, j); i and j start at 1.
  void add(int level, int second, double count = 1.0) { cells_[key(level, second)] += count; }
  /// \brief Adds another matrix (IBSI "merging").
  void merge(const LevelPairMatrix& other);
  /// \brief Voxels the matrix was taken from (the denominator of the percentage).
  double voxelCount() const { return voxels_; }
  /// \brief Sets the voxel count.
  void setVoxelCount(double v) { voxels_ = v; }
  /// \brief True when no cell is set.
  bool empty() const { return cells_.empty(); }
  /// \brief All statistics (NaN for an empty matrix).
  std::array<double, StatisticCount> statistics() const;

 private:
  static std::uint64_t key(int i, int j) {
    return (std::uint64_t(std::uint32_t(i)) << 32) | std::uint32_t(j);
  }
  std::unordered_map<std::uint64_t, double> cells_;
  double voxels_ = 0;
};

}  // namespace medsight
