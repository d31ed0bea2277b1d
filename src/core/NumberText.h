#pragma once

#include <string>

namespace medsight {

/// \brief Numbers written for people in messages and tables (full precision stays in JSON),
/// without touching the formatting state of a shared stream such as std::cout.
class NumberText {
 public:
  /// \brief Shortest form with at most `digits` significant digits (iostream's default style:
  /// 0.25, 1e+06).
  static std::string significant(double value, int digits = 6);
  /// \brief Fixed-point form with exactly `decimals` digits after the point.
  static std::string fixed(double value, int decimals);
};

}  // namespace medsight
