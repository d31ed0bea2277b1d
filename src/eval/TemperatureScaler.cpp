#include "eval/TemperatureScaler.h"

#include <cmath>
#include <string>

#include "core/Error.h"

namespace medsight {

double TemperatureScaler::probability(double logit, double temperature) {
  return 1.0 / (1.0 + std::exp(-logit / temperature));
}

double TemperatureScaler::negativeLogLikelihood(std::span<const double> logits,
                                                std::span<const int> labels, double t) {
  double nll = 0.0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const double z = logits[i] / t;
    // log(1 + exp(-|z|)) form avoids overflow for large logits.
    const double softplus = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
    nll += softplus - (labels[i] == 1 ? z : 0.0);
  }
  return nll / static_cast<double>(logits.size());
}

double TemperatureScaler::fit(std::span<const double> logits, std::span<const int> labels) {
  if (logits.size() != labels.size() || logits.empty()) {
    throw Error(ErrorCode::InvalidArgument, "temperature scaling: need matching, non-empty inputs");
  }
  // The NLL is unimodal in log T for this one-parameter family: golden-section search.
  double lo = std::log(0.05), hi = std::log(20.0);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  double fa = negativeLogLikelihood(logits, labels, std::exp(a));
  double fb = negativeLogLikelihood(logits, labels, std::exp(b));
  for (int i = 0; i < 80; ++i) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = negativeLogLikelihood(logits, labels, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = negativeLogLikelihood(logits, labels, std::exp(b));
    }
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace medsight
