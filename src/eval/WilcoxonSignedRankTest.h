#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

namespace medsight {

/// \brief Wilcoxon signed-rank test of paired differences (Wilcoxon 1945) with the zero
/// differences dropped and tied absolute differences given their average rank (Hollander, Wolfe
/// and Chicken, Nonparametric Statistical Methods, 3rd ed., section 3.1).
///
/// The two-sided p-value is exact (the null distribution of the positive rank sum, counted over
/// all 2^n sign assignments with the tied ranks as they are) up to 300 non-zero differences, and
/// from the normal approximation with the tie-corrected variance and a continuity correction
/// above that. With the small paired samples of a model comparison (22 patients) the exact value
/// is the one to report.
class WilcoxonSignedRankTest {
 public:
  /// \brief Result of one test.
  struct Result {
    std::size_t nonZero = 0;     ///< differences used (zeros dropped)
    std::size_t zeros = 0;       ///< differences equal to zero
    double positiveRankSum = 0;  ///< W+: sum of the ranks of positive differences
    double negativeRankSum = 0;  ///< W-
    double pValue = 1.0;         ///< two-sided
    bool exact = true;           ///< false: normal approximation

    /// \brief {"n_nonzero", "zeros", "w_plus", "w_minus", "p_two_sided", "method"}.
    nlohmann::json toJson() const;
  };

  /// \brief Tests whether the differences are symmetric about zero; p = 1 for no non-zero one.
  static Result test(const std::vector<double>& differences);
};

}  // namespace medsight
