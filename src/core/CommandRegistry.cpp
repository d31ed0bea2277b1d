#include "core/CommandRegistry.h"

#include <spdlog/spdlog.h>

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <streambuf>
#include <string_view>

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

/// Library messages (ITK's exception text) may span lines; the report is one line, so the
/// message's line breaks and runs of blanks become single spaces.
std::string oneLine(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool blank = false;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

/// \brief Reports a failure as one line on stderr and, when `json` is set, also as one JSON
/// object on stdout (the REST API's error body plus the exit code), so a script that reads
/// stdout learns why there is no result. Callers pass `json` false when the command has
/// already written its result to stdout (e.g. `deid --json` prints its summary, then fails
/// because some files could not be done): stdout must stay one JSON document.
int reportError(const Error& e, bool json) {
  const std::string message = oneLine(e.what());
  std::cerr << "medsight: error [" << e.codeName() << "]: " << message << '\n';
  if (json) {
    const nlohmann::json body = {{"error",
                                  {{"code", std::string(e.codeName())},
                                   {"status", e.httpStatus()},
                                   {"exit_code", e.exitCode()},
                                   {"message", message}}}};
    std::cout << body.dump() << '\n' << std::flush;
  }
  return e.exitCode();
}

/// \brief Passes std::cout's output through unchanged and remembers whether any was written,
/// installed for the duration of a command (restored on scope exit).
class StdoutWatch : public std::streambuf {
 public:
  StdoutWatch() : target_(std::cout.rdbuf(this)) {}
  ~StdoutWatch() override { std::cout.rdbuf(target_); }
  StdoutWatch(const StdoutWatch&) = delete;
  StdoutWatch& operator=(const StdoutWatch&) = delete;
  /// \brief True once the command has written anything to std::cout.
  bool written() const { return written_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    written_ = true;
    return target_->sputc(traits_type::to_char_type(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n > 0) written_ = true;
    return target_->sputn(s, n);
  }
  int sync() override { return target_->pubsync(); }

 private:
  std::streambuf* target_;
  bool written_ = false;
};

}  // namespace

std::string CommandRegistry::firstCommandToken(int argc, char** argv) {
  // Global options that take a value (see runMain); their value is not a command.
  static const char* withValue[] = {"--log-level", "--threads", "--memory-budget"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.empty() || a[0] != '-') return a;
    for (const char* o : withValue) {
      if (a == o) ++i;
    }
  }
  return "";
}

std::string CommandRegistry::delegatePath() const {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return delegate_;
  return (self.parent_path() / delegate_).string();
}

void CommandRegistry::printCommandList() const {
  for (const auto& c : commands_) std::cout << c->name() << '\t' << c->summary() << '\n';
}

int CommandRegistry::runMain(int argc, char** argv, const std::string& versionText) const {
  const std::string token = firstCommandToken(argc, argv);
  if (token == "__commands") {
    printCommandList();
    return 0;
  }
  if (!delegate_.empty() && !token.empty() && find(token) == nullptr) {
    const std::string path = delegatePath();
    if (::access(path.c_str(), X_OK) == 0) {
      std::vector<char*> args(argv, argv + argc);
      args.push_back(nullptr);
      ::execv(path.c_str(), args.data());
      // execv only returns on failure; fall through to the normal "unknown command" path.
    }
  }
  CLI::App app{"MedSight: AI-assisted medical image diagnosis", "medsight"};
  app.set_version_flag("--version", versionText);
  app.require_subcommand(1);
  app.fallthrough();

  CommandContext context;
  // Known before parsing, so that a parse error is reported as JSON too.
  const bool askedJson = std::any_of(argv + 1, argv + argc,
                                     [](const char* a) { return std::string_view(a) == "--json"; });
  // Recorded in model cards as the command that reproduces them, so arguments that a shell
  // would split or expand are single-quoted (POSIX sh) to make the line re-runnable.
  for (int i = 0; i < argc; ++i) {
    if (i > 0) context.commandLine += ' ';
    const std::string a = argv[i];
    if (!a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_./=,:+@%") == std::string::npos) {
      context.commandLine += a;
    } else {
      context.commandLine += '\'';
      for (char c : a) context.commandLine += c == '\'' ? std::string("'\\''") : std::string(1, c);
      context.commandLine += '\'';
    }
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
    const int rc = app.exit(e);
    if (!delegate_.empty() && app.get_subcommands().empty()) {
      const std::string list = delegatePath() + " __commands";
      if (FILE* p = ::popen(list.c_str(), "r")) {
        char line[512];
        bool first = true;
        while (std::fgets(line, sizeof line, p) != nullptr) {
          std::string l(line);
          const auto tab = l.find('\t');
          if (tab == std::string::npos || find(l.substr(0, tab)) != nullptr) continue;
          if (first) std::cout << "Deep-learning subcommands (run in " << delegate_ << "):\n";
          first = false;
          char row[600];
          std::snprintf(row, sizeof row, "  %-28s%s", l.substr(0, tab).c_str(),
                        l.substr(tab + 1).c_str());
          std::cout << row;
        }
        ::pclose(p);
      }
    }
    return rc;
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
    return reportError(Error(code, message), askedJson);
  }

  const StdoutWatch stdoutWatch;
  // An error gets a JSON object on stdout only if the command has not written its own there.
  auto jsonError = [&] { return (askedJson || context.json) && !stdoutWatch.written(); };
  try {
    Log::configure(logLevel, logJson);
    ProgressReporter::setEnabled(!quiet);
    if (!memoryBudget.empty())
      MemoryBudget::setMaxImageBytes(MemoryBudget::parseSize(memoryBudget));
    for (auto& [sub, command] : subs) {
      if (sub->parsed()) return command->run(context);
    }
    return reportError(Error(ErrorCode::UnknownCommand, "no command given (see medsight --help)"),
                       jsonError());
  } catch (const Error& e) {
    return reportError(e, jsonError());
  } catch (const std::bad_alloc&) {
    return reportError(Error(ErrorCode::TooLarge, "out of memory"), jsonError());
  } catch (const std::exception& e) {
    // A library exception that escaped its adapter is a MedSight bug; still one line, no abort.
    return reportError(Error(ErrorCode::Internal, e.what()), jsonError());
  }
}

}  // namespace medsight
