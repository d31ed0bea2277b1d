#pragma once

#include "core/Image.h"

#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace medsight {

/// \brief Reads one step's parameters from a pipeline file with range checks, and rejects keys
/// the step does not know (a typo such as "sigam" must not silently fall back to a default).
/// Every failure is an InvalidConfiguration error naming the step and the key.
class StepParameterReader {
 public:
  /// \brief `context` names the step in messages, e.g. "pipeline.json: step 2 (median)".
  StepParameterReader(const nlohmann::json& step, std::string context);

  /// \brief A number in [min, max], or `fallback` when absent.
  double number(const std::string& key, double fallback, double min, double max);
  /// \brief An integer in [min, max], or `fallback` when absent.
  int integer(const std::string& key, int fallback, int min, int max);
  /// \brief A boolean, or `fallback` when absent.
  bool boolean(const std::string& key, bool fallback);
  /// \brief One of `allowed`, or `fallback` when absent.
  std::string choice(const std::string& key, const std::string& fallback,
                     std::initializer_list<const char*> allowed);
  /// \brief Three numbers in [min, max] (a scalar is repeated), or `fallback` when absent. A list
  /// of two (x, y) is for 2D images: `planar` (when given) is set, and the third value copies y.
  std::array<double, 3> triple(const std::string& key, std::array<double, 3> fallback, double min,
                               double max, bool* planar = nullptr);
  /// \brief The value as written back into a record: two numbers when it was given for 2D.
  static nlohmann::json tripleJson(const std::array<double, 3>& v, bool planar);
  /// \brief Throws InvalidArgument when a value given for 2D (x, y) meets a volume of several
  /// slices, where its z would be a copy of y rather than a chosen value.
  static void requirePlanarFits(bool planar, const Image& image, const std::string& step,
                                const std::string& key);
  /// \brief A list of integers in [min, max] (non-empty), or `fallback` when absent.
  std::vector<int> integers(const std::string& key, std::vector<int> fallback, int min, int max);
  /// \brief True when the key is present.
  bool has(const std::string& key) const;
  /// \brief Throws if the step has keys no accessor asked for.
  void finish() const;
  /// \brief The context string, for steps that raise their own errors.
  const std::string& context() const { return context_; }
  /// \brief Throws InvalidConfiguration naming the step, `key` and the problem.
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  const nlohmann::json& at(const std::string& key);

  const nlohmann::json& step_;
  std::string context_;
  std::set<std::string> used_{"step"};
};

}  // namespace medsight
