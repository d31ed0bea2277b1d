#include "classical/PlattCalibrator.h"

#include <cmath>

#include "core/Error.h"

namespace medsight {

PlattCalibrator PlattCalibrator::fit(std::span<const double> scores, std::span<const int> labels) {
  // Algorithm 1 of Lin, Lin and Weng (2007).
  double prior1 = 0, prior0 = 0;
  for (int y : labels) (y ? prior1 : prior0) += 1;
  const double hiTarget = (prior1 + 1.0) / (prior1 + 2.0), loTarget = 1.0 / (prior0 + 2.0);
  const std::size_t n = scores.size();
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = labels[i] ? hiTarget : loTarget;
  double A = 0.0, B = std::log((prior0 + 1.0) / (prior1 + 1.0));
  auto objective = [&](double a, double b) {
    double f = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double fApB = scores[i] * a + b;
      f += fApB >= 0 ? t[i] * fApB + std::log1p(std::exp(-fApB))
                     : (t[i] - 1) * fApB + std::log1p(std::exp(fApB));
    }
    return f;
  };
  double fval = objective(A, B);
  const double sigma = 1e-12, minStep = 1e-10, eps = 1e-5;
  for (int iter = 0; iter < 100; ++iter) {
    double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double fApB = scores[i] * A + B;
      double p, q;
      if (fApB >= 0) {
        p = std::exp(-fApB) / (1.0 + std::exp(-fApB));
        q = 1.0 / (1.0 + std::exp(-fApB));
      } else {
        p = 1.0 / (1.0 + std::exp(fApB));
        q = std::exp(fApB) / (1.0 + std::exp(fApB));
      }
      const double d2 = p * q;
      h11 += scores[i] * scores[i] * d2;
      h22 += d2;
      h21 += scores[i] * d2;
      const double d1 = t[i] - p;
      g1 += scores[i] * d1;
      g2 += d1;
    }
    if (std::abs(g1) < eps && std::abs(g2) < eps) break;
    const double det = h11 * h22 - h21 * h21;
    const double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
    const double gd = g1 * dA + g2 * dB;
    double step = 1.0;
    while (step >= minStep) {
      const double newA = A + step * dA, newB = B + step * dB;
      const double newF = objective(newA, newB);
      if (newF < fval + 1e-4 * step * gd) {
        A = newA;
        B = newB;
        fval = newF;
        break;
      }
      step /= 2.0;
    }
    if (step < minStep) break;  // line search failed: keep the best found
  }
  PlattCalibrator c;
  c.a = A;
  c.b = B;
  return c;
}

double PlattCalibrator::probability(double score) const {
  const double fApB = score * a + b;
  return fApB >= 0 ? std::exp(-fApB) / (1.0 + std::exp(-fApB)) : 1.0 / (1.0 + std::exp(fApB));
}

std::vector<double> PlattCalibrator::probabilities(std::span<const double> scores) const {
  std::vector<double> out;
  out.reserve(scores.size());
  for (double s : scores) out.push_back(probability(s));
  return out;
}

nlohmann::json PlattCalibrator::toJson() const {
  return {{"method", "platt"}, {"a", a}, {"b", b}};
}

PlattCalibrator PlattCalibrator::fromJson(const nlohmann::json& j, const std::string& context) {
  try {
    if (j.at("method").get<std::string>() != "platt") {
      throw Error(ErrorCode::ModelInvalid, context + ": unknown calibration method");
    }
    PlattCalibrator c;
    c.a = j.at("a").get<double>();
    c.b = j.at("b").get<double>();
    if (!std::isfinite(c.a) || !std::isfinite(c.b)) {
      throw Error(ErrorCode::ModelInvalid, context + ": non-finite calibration");
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed calibration: " + e.what());
  }
}

}  // namespace medsight
