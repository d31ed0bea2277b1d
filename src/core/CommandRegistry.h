#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/Command.h"

namespace medsight {

/// \brief The set of subcommands of the `medsight` executable, filled by each module's
/// `register<Module>Commands` function and run by the CLI entry point.
class CommandRegistry {
 public:
  /// \brief Adds a command; throws Internal if its name is already taken.
  void add(std::unique_ptr<Command> command);
  /// \brief Commands in registration order.
  const std::vector<std::unique_ptr<Command>>& commands() const { return commands_; }
  /// \brief The command with that name, or nullptr.
  Command* find(const std::string& name) const;

  /// \brief Parses argv, dispatches to the chosen command and maps every failure to the error
  /// table: prints one line "medsight: error: ..." on stderr and returns its exit code.
  int runMain(int argc, char** argv, const std::string& versionText) const;

  /// \brief Hands commands this registry does not have to `program` (a file name in the same
  /// folder as the running executable), with the same arguments; `--help` lists its commands
  /// too. Used to keep LibTorch out of the process for commands that do not need it.
  void delegateUnknownCommandsTo(std::string program) { delegate_ = std::move(program); }

  /// \brief Prints "name<TAB>summary" per command (hidden `__commands` used by delegation).
  void printCommandList() const;

 private:
  /// \brief The first argument that is not a global option or its value, or "".
  static std::string firstCommandToken(int argc, char** argv);
  /// \brief Path of the delegate executable next to the running one.
  std::string delegatePath() const;

  std::vector<std::unique_ptr<Command>> commands_;
  std::string delegate_;
};

}  // namespace medsight
