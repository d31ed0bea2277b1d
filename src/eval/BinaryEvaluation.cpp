#include "eval/BinaryEvaluation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using MetricFn = std::function<double(std::span<const double>, std::span<const int>)>;

struct NamedMetric {
  const char* name;
  MetricFn fn;
};

std::vector<NamedMetric> metricsAt(double threshold) {
  auto at = [threshold](auto member) {
    return [threshold, member](std::span<const double> s, std::span<const int> l) {
      return (BinaryMetrics::confusion(s, l, threshold).*member)();
    };
  };
  return {
      {"auc", [](auto s, auto l) { return BinaryMetrics::auc(s, l); }},
      {"average_precision", [](auto s, auto l) { return BinaryMetrics::averagePrecision(s, l); }},
      {"accuracy", at(&ConfusionCounts::accuracy)},
      {"sensitivity", at(&ConfusionCounts::sensitivity)},
      {"specificity", at(&ConfusionCounts::specificity)},
      {"ppv", at(&ConfusionCounts::ppv)},
      {"npv", at(&ConfusionCounts::npv)},
      {"f1", at(&ConfusionCounts::f1)},
      {"balanced_accuracy", at(&ConfusionCounts::balancedAccuracy)},
  };
}

double percentile(std::vector<double>& values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

/// Resampled index sets, stratified by class when asked.
class BootstrapSampler {
 public:
  BootstrapSampler(std::span<const int> labels, const BootstrapOptions& o)
      : rng_(o.seed), stratified_(o.stratified) {
    for (std::size_t i = 0; i < labels.size(); ++i) (labels[i] == 1 ? pos_ : neg_).push_back(i);
    all_.resize(labels.size());
    for (std::size_t i = 0; i < all_.size(); ++i) all_[i] = i;
  }
  void next(std::vector<std::size_t>& out) {
    out.clear();
    auto draw = [&](const std::vector<std::size_t>& from) {
      if (from.empty()) return;
      std::uniform_int_distribution<std::size_t> pick(0, from.size() - 1);
      for (std::size_t k = 0; k < from.size(); ++k) out.push_back(from[pick(rng_)]);
    };
    if (stratified_) {
      draw(pos_);
      draw(neg_);
    } else {
      draw(all_);
    }
  }

 private:
  std::mt19937_64 rng_;
  bool stratified_;
  std::vector<std::size_t> pos_, neg_, all_;
};

/// DeLong's structural components (placement values) of one scorer.
void placements(std::span<const double> s, std::span<const int> l, std::vector<double>& v10,
                std::vector<double>& v01) {
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < s.size(); ++i) (l[i] == 1 ? pos : neg).push_back(s[i]);
  v10.assign(pos.size(), 0.0);
  v01.assign(neg.size(), 0.0);
  std::vector<double> sortedNeg = neg, sortedPos = pos;
  std::sort(sortedNeg.begin(), sortedNeg.end());
  std::sort(sortedPos.begin(), sortedPos.end());
  for (std::size_t i = 0; i < pos.size(); ++i) {
    const auto lo = std::lower_bound(sortedNeg.begin(), sortedNeg.end(), pos[i]);
    const auto hi = std::upper_bound(sortedNeg.begin(), sortedNeg.end(), pos[i]);
    v10[i] = (static_cast<double>(lo - sortedNeg.begin()) + 0.5 * static_cast<double>(hi - lo)) /
             static_cast<double>(neg.size());
  }
  for (std::size_t j = 0; j < neg.size(); ++j) {
    const auto lo = std::lower_bound(sortedPos.begin(), sortedPos.end(), neg[j]);
    const auto hi = std::upper_bound(sortedPos.begin(), sortedPos.end(), neg[j]);
    v01[j] = (static_cast<double>(sortedPos.end() - hi) + 0.5 * static_cast<double>(hi - lo)) /
             static_cast<double>(pos.size());
  }
}

double covariance(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  if (a.size() < 2) return 0.0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double c = 0;
  for (std::size_t i = 0; i < a.size(); ++i) c += (a[i] - ma) * (b[i] - mb);
  return c / (n - 1);
}

nlohmann::json estimateJson(const MetricEstimate& m) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  return {{"value", num(m.value)}, {"ci_lower", num(m.lower)}, {"ci_upper", num(m.upper)}};
}

}  // namespace

BinaryEvaluation BinaryEvaluation::compute(std::span<const double> scores,
                                           std::span<const int> labels, double threshold,
                                           const BootstrapOptions& options) {
  if (options.replicates < 0 || !(options.level > 0 && options.level < 1)) {
    throw Error(ErrorCode::InvalidArgument, "bootstrap: replicates >= 0 and 0 < level < 1");
  }
  BinaryEvaluation e;
  e.threshold = threshold;
  e.bootstrap = options;
  e.counts = BinaryMetrics::confusion(scores, labels, threshold);
  e.samples = scores.size();
  e.positives = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), 1));
  const auto metrics = metricsAt(threshold);
  std::vector<std::vector<double>> replicateValues(metrics.size());
  BootstrapSampler sampler(labels, options);
  std::vector<std::size_t> idx;
  std::vector<double> s;
  std::vector<int> l;
  for (int r = 0; r < options.replicates; ++r) {
    sampler.next(idx);
    s.resize(idx.size());
    l.resize(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) {
      s[k] = scores[idx[k]];
      l[k] = labels[idx[k]];
    }
    for (std::size_t m = 0; m < metrics.size(); ++m)
      replicateValues[m].push_back(metrics[m].fn(s, l));
  }
  const double alpha = (1.0 - options.level) / 2.0;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    MetricEstimate est;
    est.value = metrics[m].fn(scores, labels);
    est.lower = percentile(replicateValues[m], alpha);
    est.upper = percentile(replicateValues[m], 1.0 - alpha);
    e.metrics[metrics[m].name] = est;
  }
  return e;
}

nlohmann::json BinaryEvaluation::toJson() const {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [name, est] : metrics) m[name] = estimateJson(est);
  return {
      {"threshold", threshold},
      {"samples", samples},
      {"positives", positives},
      {"confusion", {{"tp", counts.tp}, {"fp", counts.fp}, {"tn", counts.tn}, {"fn", counts.fn}}},
      {"metrics", m},
      {"bootstrap",
       {{"replicates", bootstrap.replicates},
        {"seed", bootstrap.seed},
        {"level", bootstrap.level},
        {"stratified", bootstrap.stratified},
        {"method", "percentile"}}}};
}

PairedAucComparison PairedAucComparison::compute(std::span<const double> a,
                                                 std::span<const double> b,
                                                 std::span<const int> labels,
                                                 const BootstrapOptions& options) {
  if (a.size() != b.size()) {
    throw Error(ErrorCode::InvalidArgument, "paired comparison: score lists differ in length");
  }
  PairedAucComparison c;
  c.aucA = BinaryMetrics::auc(a, labels);
  c.aucB = BinaryMetrics::auc(b, labels);
  c.difference.value = c.aucB - c.aucA;
  // DeLong: var(AUC_B - AUC_A) = S10/m + S01/n with S the covariance of placement values.
  std::vector<double> a10, a01, b10, b01;
  placements(a, labels, a10, a01);
  placements(b, labels, b10, b01);
  const double m = static_cast<double>(a10.size()), n = static_cast<double>(a01.size());
  const double var = (covariance(a10, a10) + covariance(b10, b10) - 2 * covariance(a10, b10)) / m +
                     (covariance(a01, a01) + covariance(b01, b01) - 2 * covariance(a01, b01)) / n;
  if (var > 0) {
    c.delongZ = c.difference.value / std::sqrt(var);
    c.delongP = std::erfc(std::abs(c.delongZ) / std::sqrt(2.0));
  } else {
    c.delongZ = 0.0;
    c.delongP = c.difference.value == 0.0 ? 1.0 : 0.0;
  }
  BootstrapSampler sampler(labels, options);
  std::vector<std::size_t> idx;
  std::vector<double> sa, sb, diffs;
  std::vector<int> l;
  for (int r = 0; r < options.replicates; ++r) {
    sampler.next(idx);
    sa.resize(idx.size());
    sb.resize(idx.size());
    l.resize(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) {
      sa[k] = a[idx[k]];
      sb[k] = b[idx[k]];
      l[k] = labels[idx[k]];
    }
    diffs.push_back(BinaryMetrics::auc(sb, l) - BinaryMetrics::auc(sa, l));
  }
  const double alpha = (1.0 - options.level) / 2.0;
  std::vector<double> copy = diffs;
  c.difference.lower = percentile(copy, alpha);
  copy = diffs;
  c.difference.upper = percentile(copy, 1.0 - alpha);
  return c;
}

nlohmann::json PairedAucComparison::toJson() const {
  return {{"auc_a", aucA},
          {"auc_b", aucB},
          {"difference_b_minus_a", estimateJson(difference)},
          {"delong_z", delongZ},
          {"delong_p", delongP}};
}

}  // namespace medsight
