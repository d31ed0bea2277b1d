#include "classical/FeatureTransform.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/Error.h"

namespace medsight {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Mann-Whitney AUC of one feature (mid-ranks for ties).
double featureAuc(const std::vector<double>& x, std::span<const int> y) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  double rankSum = 0, positives = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && x[order[j]] == x[order[i]]) ++j;
    const double rank = 0.5 * double(i + j + 1);  // mid-rank, 1-based
    for (std::size_t k = i; k < j; ++k) {
      if (y[order[k]] == 1) {
        rankSum += rank;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = double(x.size()) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace

FeatureTransform FeatureTransform::fit(const FeatureTable& table, std::span<const int> labels,
                                       const FeatureTransformSettings& settings,
                                       const std::string& source) {
  if (!settings.imputeMedian) table.requireFinite(source);
  FeatureTransform t;
  t.settings_ = settings;
  t.inputColumns_ = table.columns;
  const std::size_t n = table.rows(), p = table.cols();
  std::vector<std::vector<double>> column(p, std::vector<double>(n));
  t.medians_.assign(p, 0.0);
  for (std::size_t c = 0; c < p; ++c) {
    std::vector<double> finite;
    for (std::size_t r = 0; r < n; ++r) {
      if (std::isfinite(table.at(r, c))) finite.push_back(table.at(r, c));
    }
    t.medians_[c] = median(finite);
    for (std::size_t r = 0; r < n; ++r) {
      const double v = table.at(r, c);
      column[c][r] = std::isfinite(v) ? v : t.medians_[c];
    }
  }
  std::vector<double> mean(p, 0.0), sd(p, 0.0);
  std::vector<std::size_t> candidates;
  for (std::size_t c = 0; c < p; ++c) {
    for (double v : column[c]) mean[c] += v;
    mean[c] /= double(n);
    for (double v : column[c]) sd[c] += (v - mean[c]) * (v - mean[c]);
    sd[c] = std::sqrt(sd[c] / double(n));
    // Finite values near 1e300 overflow the variance: the scale would be stored as null and
    // the package could not be read back (and the fold models were fitted on infinities).
    if (!std::isfinite(mean[c]) || !std::isfinite(sd[c])) {
      throw Error(ErrorCode::InvalidArgument,
                  source + ": column '" + table.columns[c] +
                      "' holds values too large to standardise (its variance overflows a "
                      "double); check it for a unit or export error");
    }
    if (sd[c] > 1e-12 * (1.0 + std::abs(mean[c]))) candidates.push_back(c);
  }
  if (candidates.empty()) {
    throw Error(ErrorCode::InvalidArgument, source + ": every feature is constant on the " +
                                                std::to_string(n) + " training samples");
  }
  // Rank by univariate separation, then keep greedily while pruning correlated features. With
  // neither selection nor pruning every varying feature is kept, in input order.
  const bool selecting = settings.selectCount > 0 || settings.correlationLimit < 1.0;
  if (selecting) {
    std::vector<double> score(p, 0.0);
    for (std::size_t c : candidates) score[c] = std::abs(featureAuc(column[c], labels) - 0.5);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  }
  const std::size_t limit = settings.selectCount ? settings.selectCount : candidates.size();
  for (std::size_t c : candidates) {
    if (t.kept_.size() >= limit) break;
    bool redundant = false;
    if (settings.correlationLimit < 1.0) {
      for (std::size_t k : t.kept_) {
        double cov = 0;
        for (std::size_t r = 0; r < n; ++r)
          cov += (column[c][r] - mean[c]) * (column[k][r] - mean[k]);
        const double corr = cov / (double(n) * sd[c] * sd[k]);
        if (std::abs(corr) > settings.correlationLimit) {
          redundant = true;
          break;
        }
      }
    }
    if (!redundant) t.kept_.push_back(c);
  }
  for (std::size_t c : t.kept_) {
    t.means_.push_back(mean[c]);
    t.scales_.push_back(sd[c]);
  }
  return t;
}

DenseMatrix FeatureTransform::apply(const FeatureTable& table, const std::string& source) const {
  if (table.cols() != inputColumns_.size()) {
    throw Error(ErrorCode::InvalidArgument, source + ": " + std::to_string(table.cols()) +
                                                " feature columns, the model expects " +
                                                std::to_string(inputColumns_.size()));
  }
  for (std::size_t c = 0; c < inputColumns_.size(); ++c) {
    if (table.columns[c] != inputColumns_[c]) {
      throw Error(ErrorCode::InvalidArgument,
                  source + ": column " + std::to_string(c + 1) + " is '" + table.columns[c] +
                      "', the model expects '" + inputColumns_[c] + "'");
    }
  }
  DenseMatrix out{table.rows(), kept_.size(), {}};
  out.data.resize(out.rows * out.cols);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    for (std::size_t k = 0; k < kept_.size(); ++k) {
      double v = table.at(r, kept_[k]);
      if (!std::isfinite(v)) {
        if (!settings_.imputeMedian) {
          throw Error(ErrorCode::InvalidArgument,
                      source + ": sample '" + table.ids[r] + "', feature '" +
                          table.columns[kept_[k]] + "' is " + (std::isnan(v) ? "NaN" : "infinite") +
                          "; the model was trained without imputation");
        }
        v = medians_[kept_[k]];
      }
      out.at(r, k) = (v - means_[k]) / scales_[k];
    }
  }
  return out;
}

std::vector<std::string> FeatureTransform::outputNames() const {
  std::vector<std::string> names;
  for (std::size_t c : kept_) names.push_back(inputColumns_[c]);
  return names;
}

nlohmann::json FeatureTransform::toJson() const {
  return {{"impute_median", settings_.imputeMedian},
          {"select_count", settings_.selectCount},
          {"correlation_limit", settings_.correlationLimit},
          {"input_columns", inputColumns_},
          {"medians", medians_},
          {"kept", kept_},
          {"means", means_},
          {"scales", scales_}};
}

FeatureTransform FeatureTransform::fromJson(const nlohmann::json& j, const std::string& context) {
  try {
    FeatureTransform t;
    t.settings_.imputeMedian = j.at("impute_median").get<bool>();
    t.settings_.selectCount = j.at("select_count").get<std::size_t>();
    t.settings_.correlationLimit = j.at("correlation_limit").get<double>();
    t.inputColumns_ = j.at("input_columns").get<std::vector<std::string>>();
    t.medians_ = j.at("medians").get<std::vector<double>>();
    t.kept_ = j.at("kept").get<std::vector<std::size_t>>();
    t.means_ = j.at("means").get<std::vector<double>>();
    t.scales_ = j.at("scales").get<std::vector<double>>();
    const std::size_t p = t.inputColumns_.size();
    bool ok = t.medians_.size() == p && t.means_.size() == t.kept_.size() &&
              t.scales_.size() == t.kept_.size() && !t.kept_.empty();
    for (std::size_t k = 0; ok && k < t.kept_.size(); ++k) {
      ok = t.kept_[k] < p && t.scales_[k] > 0 && std::isfinite(t.means_[k]);
    }
    if (!ok) throw Error(ErrorCode::ModelInvalid, context + ": inconsistent feature transform");
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed feature transform: " + e.what());
  }
}

}  // namespace medsight
