#pragma once

namespace medsight {

/// \brief Routes ITK's output (its OutputWindow, which writes multi-line text to stderr by
/// default) into MedSight's log, one line each: warnings and errors at warn level, messages at
/// debug level.
class ItkLogWindow {
 public:
  /// \brief Installs the window once per process; later calls do nothing.
  static void install();
};

}  // namespace medsight
