#pragma once

#include <span>
#include <vector>

namespace medsight {

/// \brief Correlation coefficients between two equally long samples, used to compare
/// explanation maps (Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS 2018, use the
/// Spearman rank correlation between the maps of a trained and a randomised model).
class RankCorrelation {
 public:
  /// \brief Spearman's rho: Pearson's correlation of the mid-ranks (ties share their average
  /// rank). NaN when either sample is constant; throws InvalidArgument for different lengths
  /// and EmptyInput for empty samples.
  static double spearman(std::span<const double> a, std::span<const double> b);
  /// \brief Pearson's product-moment correlation; NaN when either sample is constant.
  static double pearson(std::span<const double> a, std::span<const double> b);
  /// \brief Mid-ranks (1-based; ties get the mean of the ranks they span).
  static std::vector<double> midRanks(std::span<const double> values);
};

}  // namespace medsight
