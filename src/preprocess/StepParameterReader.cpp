#include "preprocess/StepParameterReader.h"

#include <cmath>

#include "core/Error.h"

namespace medsight {

StepParameterReader::StepParameterReader(const nlohmann::json& step, std::string context)
    : step_(step), context_(std::move(context)) {
  if (!step_.is_object()) {
    throw Error(ErrorCode::InvalidConfiguration,
                context_ + ": a step must be an object (a JSON object or YAML mapping)");
  }
}

void StepParameterReader::fail(const std::string& key, const std::string& problem) const {
  throw Error(ErrorCode::InvalidConfiguration, context_ + ": parameter '" + key + "' " + problem);
}

const nlohmann::json& StepParameterReader::at(const std::string& key) {
  used_.insert(key);
  return step_.at(key);
}

bool StepParameterReader::has(const std::string& key) const {
  return step_.contains(key) && !step_.at(key).is_null();
}

double StepParameterReader::number(const std::string& key, double fallback, double min,
                                   double max) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_number()) fail(key, "must be a number");
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < min || x > max) {
    fail(key,
         "must lie in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + v.dump());
  }
  return x;
}

int StepParameterReader::integer(const std::string& key, int fallback, int min, int max) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_number_integer()) fail(key, "must be an integer");
  const auto x = v.get<long long>();
  if (x < min || x > max) {
    fail(key,
         "must lie in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + v.dump());
  }
  return static_cast<int>(x);
}

bool StepParameterReader::boolean(const std::string& key, bool fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_boolean()) fail(key, "must be true or false");
  return v.get<bool>();
}

std::string StepParameterReader::choice(const std::string& key, const std::string& fallback,
                                        std::initializer_list<const char*> allowed) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  std::string names;
  for (const char* a : allowed) names += std::string(names.empty() ? "" : ", ") + a;
  if (!v.is_string()) fail(key, "must be one of: " + names);
  const auto s = v.get<std::string>();
  for (const char* a : allowed) {
    if (s == a) return s;
  }
  fail(key, "is '" + s + "'; expected one of: " + names);
}

std::array<double, 3> StepParameterReader::triple(const std::string& key,
                                                  std::array<double, 3> fallback, double min,
                                                  double max, bool* planar) {
  if (planar) *planar = false;
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  std::array<double, 3> out{};
  auto check = [&](const nlohmann::json& e) {
    if (!e.is_number()) fail(key, "must be a number or a list of 3 numbers (2 for 2D images)");
    const double x = e.get<double>();
    if (!std::isfinite(x) || x < min || x > max) {
      fail(key, "values must lie in [" + std::to_string(min) + ", " + std::to_string(max) +
                    "], got " + v.dump());
    }
    return x;
  };
  if (v.is_number()) {
    out.fill(check(v));
  } else if (v.is_array() && (v.size() == 3 || v.size() == 2)) {
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = check(v[i]);
    if (v.size() == 2) {  // for 2D images: the third value is unused
      out[2] = out[1];
      if (planar) *planar = true;
    }
  } else {
    fail(key, "must be a number or a list of 3 numbers (x, y, z), or 2 (x, y) for 2D images");
  }
  return out;
}

std::vector<int> StepParameterReader::integers(const std::string& key, std::vector<int> fallback,
                                               int min, int max) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_array() || v.empty()) fail(key, "must be a non-empty list of integers");
  std::vector<int> out;
  for (const auto& e : v) {
    if (!e.is_number_integer()) fail(key, "must be a non-empty list of integers");
    const auto x = e.get<long long>();
    if (x < min || x > max) {
      fail(key, "values must lie in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    out.push_back(static_cast<int>(x));
  }
  return out;
}

void StepParameterReader::finish() const {
  for (const auto& [key, value] : step_.items()) {
    if (!used_.count(key)) {
      throw Error(ErrorCode::InvalidConfiguration,
                  context_ + ": unknown parameter '" + key + "' for this step");
    }
  }
}

nlohmann::json StepParameterReader::tripleJson(const std::array<double, 3>& v, bool planar) {
  return planar ? nlohmann::json{v[0], v[1]} : nlohmann::json(v);
}

void StepParameterReader::requirePlanarFits(bool planar, const Image& image,
                                            const std::string& step, const std::string& key) {
  if (planar && image.size().z > 1) {
    throw Error(ErrorCode::InvalidArgument,
                step + ": '" + key + "' gives 2 values (x, y), for 2D images; this image has " +
                    std::to_string(image.size().z) + " slices: give 3 (x, y, z)");
  }
}

}  // namespace medsight
