#include "core/CommandRegistry.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "core/Error.h"
#include "core/Log.h"
#include "core/MemoryBudget.h"
#include "core/ProgressReporter.h"

namespace medsight {

void CommandRegistry::add(std::unique_ptr<Command> command) {
  if (find(command->name()) != nullptr) {
    throw Error(ErrorCode::Internal, "command '" + command->name() + "' registered twice");
  }
  commands_.push_back(std::move(command));
}

Command* CommandRegistry::find(const std::string& name) const {
  for (const auto& c : commands_) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

namespace {

int reportError(const Error& e) {
  std::cerr << "medsight: error [" << e.codeName() << "]: " << e.what() << '\n';
  return e.exitCode();
}

}  // namespace

int CommandRegistry::runMain(int argc, char** argv, const std::string& versionText) const {
  CLI::App app{"MedSight: AI-assisted medical image diagnosis", "medsight"};
  app.set_version_flag("--version", versionText);
  app.require_subcommand(1);
  app.fallthrough();

  CommandContext context;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) context.commandLine += ' ';
    context.commandLine += argv[i];
  }
  std::string logLevel = "warn";
  bool logJson = false;
  bool quiet = false;
  std::string memoryBudget;
  app.add_flag("--json", context.json, "Print machine-readable JSON on stdout");
  app.add_option("--log-level", logLevel, "trace|debug|info|warn|error|off")->capture_default_str();
  app.add_flag("--log-json", logJson, "Write log records as JSON lines on stderr");
  app.add_flag("-q,--quiet", quiet, "No progress bars");
  app.add_option("--threads", context.threads, "Worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--memory-budget", memoryBudget,
                 "Largest single image/decoded buffer, e.g. 2G (default 4G)");

  std::vector<std::pair<CLI::App*, Command*>> subs;
  for (const auto& command : commands_) {
    CLI::App* sub = app.add_subcommand(command->name(), command->summary());
    // Let `medsight info --json FILE` work as well as `medsight --json info FILE`.
    sub->add_flag("--json", context.json, "Print machine-readable JSON on stdout");
    command->configure(*sub);
    subs.emplace_back(sub, command.get());
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    ErrorCode code = ErrorCode::InvalidArgument;
    std::string message = e.what();
    if (app.get_subcommands().empty()) {
      const auto rest = app.remaining();
      if (!rest.empty() && !rest.front().starts_with("-")) {
        code = ErrorCode::UnknownCommand;
        message = "unknown command '" + rest.front() + "' (see medsight --help)";
      } else if (!rest.empty()) {
        message = "unknown option '" + rest.front() + "' (see medsight --help)";
      } else if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
        message = "a command is required (see medsight --help)";
      }
    }
    return reportError(Error(code, message));
  }

  try {
    Log::configure(logLevel, logJson);
    ProgressReporter::setEnabled(!quiet);
    if (!memoryBudget.empty())
      MemoryBudget::setMaxImageBytes(MemoryBudget::parseSize(memoryBudget));
    for (auto& [sub, command] : subs) {
      if (sub->parsed()) return command->run(context);
    }
    return reportError(Error(ErrorCode::UnknownCommand, "no command given (see medsight --help)"));
  } catch (const Error& e) {
    return reportError(e);
  } catch (const std::bad_alloc&) {
    return reportError(Error(ErrorCode::TooLarge, "out of memory"));
  } catch (const std::exception& e) {
    // A library exception that escaped its adapter is a MedSight bug; still one line, no abort.
    return reportError(Error(ErrorCode::Internal, e.what()));
  }
}

}  // namespace medsight
