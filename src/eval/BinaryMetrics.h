#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace medsight {

/// \brief Counts of a binary decision rule (score >= threshold means positive).
struct ConfusionCounts {
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  /// \brief TP / (TP + FN); NaN when there are no positives.
  double sensitivity() const;
  /// \brief TN / (TN + FP); NaN when there are no negatives.
  double specificity() const;
  /// \brief TP / (TP + FP) (precision); NaN when nothing is called positive.
  double ppv() const;
  /// \brief TN / (TN + FN); NaN when nothing is called negative.
  double npv() const;
  /// \brief (TP + TN) / N.
  double accuracy() const;
  /// \brief Harmonic mean of PPV and sensitivity.
  double f1() const;
  /// \brief Mean of sensitivity and specificity.
  double balancedAccuracy() const;
};

/// \brief One point of a ROC or precision-recall curve.
struct CurvePoint {
  double threshold;
  double x;  ///< false-positive rate (ROC) or recall (PR)
  double y;  ///< true-positive rate (ROC) or precision (PR)
};

/// \brief Threshold-free and threshold-based metrics of binary scores against 0/1 labels.
/// Labels must be 0 or 1; every function throws LabelMismatch otherwise, EmptyInput when
/// empty and InvalidArgument when the spans differ in length.
class BinaryMetrics {
 public:
  /// \brief Area under the ROC curve as the Mann-Whitney statistic with mid-ranks for ties
  /// (a tie between a positive and a negative counts one half). NaN if a class is absent.
  static double auc(std::span<const double> scores, std::span<const int> labels);
  /// \brief Confusion counts at a threshold.
  static ConfusionCounts confusion(std::span<const double> scores, std::span<const int> labels,
                                   double threshold);
  /// \brief ROC curve from (0,0) to (1,1), one point per distinct score.
  static std::vector<CurvePoint> rocCurve(std::span<const double> scores,
                                          std::span<const int> labels);
  /// \brief Precision-recall curve, one point per distinct score (recall increasing).
  static std::vector<CurvePoint> precisionRecallCurve(std::span<const double> scores,
                                                      std::span<const int> labels);
  /// \brief Average precision (area under the step PR curve, as in scikit-learn).
  static double averagePrecision(std::span<const double> scores, std::span<const int> labels);
  /// \brief Largest threshold whose sensitivity is at least `target` (screening operating point).
  static double thresholdForSensitivity(std::span<const double> scores, std::span<const int> labels,
                                        double target);
  /// \brief Smallest threshold whose specificity is at least `target`.
  static double thresholdForSpecificity(std::span<const double> scores, std::span<const int> labels,
                                        double target);
  /// \brief Expected calibration error with `bins` equal-width probability bins.
  static double expectedCalibrationError(std::span<const double> probabilities,
                                         std::span<const int> labels, int bins = 10);
  /// \brief Mean squared difference between probabilities and labels.
  static double brierScore(std::span<const double> probabilities, std::span<const int> labels);
};

}  // namespace medsight
