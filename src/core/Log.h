#pragma once

#include <string>

namespace medsight {

/// \brief Process-wide logging set-up over spdlog: level and plain or JSON-lines output to
/// stderr (stdout stays free for command results).
class Log {
 public:
  /// \brief Sets the level ("trace", "debug", "info", "warn", "error", "off") and format.
  /// Throws InvalidArgument for an unknown level.
  static void configure(const std::string& level, bool jsonLines);
};

}  // namespace medsight
