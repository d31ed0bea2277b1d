#pragma once

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace medsight {

/// \brief Options every command sees (set by global flags of the `medsight` executable).
struct CommandContext {
  /// \brief Print machine-readable JSON on stdout instead of text.
  bool json = false;
  /// \brief Number of worker threads the user allows (0 = all cores).
  int threads = 0;
  /// \brief The command line as typed (recorded in model manifests and reports).
  std::string commandLine;
};

/// \brief One `medsight` subcommand. Modules implement commands and register them in the
/// CommandRegistry; the executable only parses and dispatches.
class Command {
 public:
  virtual ~Command() = default;
  /// \brief Subcommand name as typed by the user ("info", "train").
  virtual std::string name() const = 0;
  /// \brief One-line description for `--help`.
  virtual std::string summary() const = 0;
  /// \brief Declares the command's options and positionals on its CLI11 sub-app.
  virtual void configure(CLI::App& app) = 0;
  /// \brief Runs after successful parsing; returns the exit code (0) or throws medsight::Error.
  virtual int run(const CommandContext& context) = 0;
};

}  // namespace medsight
