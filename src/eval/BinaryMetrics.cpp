#include "eval/BinaryMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/Error.h"

namespace medsight {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(std::size_t a, std::size_t b) {
  return b == 0 ? kNaN : static_cast<double>(a) / static_cast<double>(b);
}

void validate(std::span<const double> scores, std::span<const int> labels) {
  if (scores.size() != labels.size()) {
    throw Error(ErrorCode::InvalidArgument, "metrics: " + std::to_string(scores.size()) +
                                                " scores but " + std::to_string(labels.size()) +
                                                " labels");
  }
  if (scores.empty()) throw Error(ErrorCode::EmptyInput, "metrics: no samples");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      throw Error(ErrorCode::LabelMismatch, "metrics: label " + std::to_string(labels[i]) +
                                                " at sample " + std::to_string(i) +
                                                " is not 0 or 1");
    }
    if (!std::isfinite(scores[i])) {
      throw Error(ErrorCode::InvalidArgument,
                  "metrics: score at sample " + std::to_string(i) + " is not finite");
    }
  }
}

/// Indices sorted by descending score.
std::vector<std::size_t> byScoreDescending(std::span<const double> scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

double ConfusionCounts::sensitivity() const {
  return ratio(tp, tp + fn);
}
double ConfusionCounts::specificity() const {
  return ratio(tn, tn + fp);
}
double ConfusionCounts::ppv() const {
  return ratio(tp, tp + fp);
}
double ConfusionCounts::npv() const {
  return ratio(tn, tn + fn);
}
double ConfusionCounts::accuracy() const {
  return ratio(tp + tn, tp + tn + fp + fn);
}
double ConfusionCounts::f1() const {
  return ratio(2 * tp, 2 * tp + fp + fn);
}
double ConfusionCounts::balancedAccuracy() const {
  return (sensitivity() + specificity()) / 2;
}

double BinaryMetrics::auc(std::span<const double> scores, std::span<const int> labels) {
  validate(scores, labels);
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Mid-ranks (1-based) over tied groups.
  double positiveRankSum = 0.0;
  std::size_t positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double midRank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) {
      if (labels[order[k]] == 1) {
        positiveRankSum += midRank;
        ++positives;
      }
    }
    i = j + 1;
  }
  const std::size_t negatives = n - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  const double p = static_cast<double>(positives), q = static_cast<double>(negatives);
  return (positiveRankSum - p * (p + 1) / 2.0) / (p * q);
}

ConfusionCounts BinaryMetrics::confusion(std::span<const double> scores,
                                         std::span<const int> labels, double threshold) {
  validate(scores, labels);
  ConfusionCounts c;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool called = scores[i] >= threshold;
    if (labels[i] == 1)
      (called ? c.tp : c.fn)++;
    else
      (called ? c.fp : c.tn)++;
  }
  return c;
}

std::vector<CurvePoint> BinaryMetrics::rocCurve(std::span<const double> scores,
                                                std::span<const int> labels) {
  validate(scores, labels);
  const auto order = byScoreDescending(scores);
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  const double negatives = static_cast<double>(labels.size()) - positives;
  std::vector<CurvePoint> curve{{std::numeric_limits<double>::infinity(), 0.0, 0.0}};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    (labels[order[i]] == 1 ? tp : fp) += 1;
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    curve.push_back({scores[order[i]], negatives > 0 ? fp / negatives : kNaN,
                     positives > 0 ? tp / positives : kNaN});
  }
  return curve;
}

std::vector<CurvePoint> BinaryMetrics::precisionRecallCurve(std::span<const double> scores,
                                                            std::span<const int> labels) {
  validate(scores, labels);
  const auto order = byScoreDescending(scores);
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  std::vector<CurvePoint> curve;
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    (labels[order[i]] == 1 ? tp : fp) += 1;
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    curve.push_back({scores[order[i]], positives > 0 ? tp / positives : kNaN, tp / (tp + fp)});
  }
  return curve;
}

double BinaryMetrics::averagePrecision(std::span<const double> scores,
                                       std::span<const int> labels) {
  const auto curve = precisionRecallCurve(scores, labels);
  double ap = 0.0, previousRecall = 0.0;
  for (const auto& p : curve) {
    ap += (p.x - previousRecall) * p.y;
    previousRecall = p.x;
  }
  return ap;
}

double BinaryMetrics::thresholdForSensitivity(std::span<const double> scores,
                                              std::span<const int> labels, double target) {
  const auto curve = rocCurve(scores, labels);
  for (const auto& p : curve) {
    if (p.y >= target && std::isfinite(p.threshold)) return p.threshold;
  }
  return curve.back().threshold;
}

double BinaryMetrics::thresholdForSpecificity(std::span<const double> scores,
                                              std::span<const int> labels, double target) {
  const auto curve = rocCurve(scores, labels);
  double best = std::numeric_limits<double>::infinity();
  for (const auto& p : curve) {
    if (1.0 - p.x >= target) best = p.threshold;
  }
  return best;
}

double BinaryMetrics::expectedCalibrationError(std::span<const double> probabilities,
                                               std::span<const int> labels, int bins) {
  validate(probabilities, labels);
  if (bins < 1) throw Error(ErrorCode::InvalidArgument, "ECE needs at least one bin");
  std::vector<double> sumP(static_cast<std::size_t>(bins), 0.0), sumY(sumP), count(sumP);
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities[i], 0.0, 1.0);
    const auto b = std::min<std::size_t>(static_cast<std::size_t>(p * bins),
                                         static_cast<std::size_t>(bins - 1));
    sumP[b] += p;
    sumY[b] += labels[i];
    count[b] += 1;
  }
  double ece = 0.0;
  const double n = static_cast<double>(probabilities.size());
  for (std::size_t b = 0; b < sumP.size(); ++b) {
    if (count[b] > 0) ece += count[b] / n * std::abs(sumP[b] / count[b] - sumY[b] / count[b]);
  }
  return ece;
}

double BinaryMetrics::brierScore(std::span<const double> probabilities,
                                 std::span<const int> labels) {
  validate(probabilities, labels);
  double s = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double d = probabilities[i] - labels[i];
    s += d * d;
  }
  return s / static_cast<double>(probabilities.size());
}

}  // namespace medsight
