#pragma once

namespace medsight {

/// \brief Routes ITK's warning and message output (its OutputWindow, which writes to stderr by
/// default) into MedSight's log: ITK's advisory notes, such as L-BFGS-B's "does not support
/// scaling", appear at debug level instead of interleaving with a command's one-line results
/// and errors.
class ItkLogWindow {
 public:
  /// \brief Installs the window once per process; later calls do nothing.
  static void install();
};

}  // namespace medsight
