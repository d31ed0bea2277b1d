#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/CommandRegistry.h"
#include "core/DatasetLocator.h"
#include "core/Error.h"
#include "core/Version.h"

namespace medsight {
namespace {

/// `medsight errors`: prints the error table so integrators can map exit codes and statuses.
class ErrorsCommand : public Command {
 public:
  std::string name() const override { return "errors"; }
  std::string summary() const override {
    return "List every error code with its CLI exit code and HTTP status";
  }
  void configure(CLI::App&) override {}
  int run(const CommandContext& context) override {
    if (context.json) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : errorCodeTable()) {
        rows.push_back({{"code", row.name},
                        {"exit_code", row.exitCode},
                        {"http_status", row.httpStatus},
                        {"description", row.description}});
      }
      std::cout << rows.dump(2) << '\n';
      return 0;
    }
    std::printf("%-24s %4s %5s  %s\n", "code", "exit", "http", "description");
    for (const auto& row : errorCodeTable()) {
      std::printf("%-24.*s %4d %5d  %.*s\n", static_cast<int>(row.name.size()), row.name.data(),
                  row.exitCode, row.httpStatus, static_cast<int>(row.description.size()),
                  row.description.data());
    }
    return 0;
  }
};

/// `medsight env`: where MedSight looks for data and which build this is.
class EnvironmentCommand : public Command {
 public:
  std::string name() const override { return "env"; }
  std::string summary() const override {
    return "Show the build version and where shared datasets are found";
  }
  void configure(CLI::App&) override {}
  int run(const CommandContext& context) override {
    const auto root = DatasetLocator::root();
    nlohmann::json out{{"version", kVersion},
                       {"git_commit", kGitCommit},
                       {"dataset_root", root ? root->string() : ""},
                       {"dataset_search", DatasetLocator::searchedPlaces()}};
    if (context.json) {
      std::cout << out.dump(2) << '\n';
    } else {
      std::cout << "medsight " << kVersion << " (" << kGitCommit << ")\n"
                << "datasets: " << (root ? root->string() : "not found") << '\n'
                << "searched: " << DatasetLocator::searchedPlaces() << '\n';
    }
    return 0;
  }
};

}  // namespace

/// \brief Registers the core module's commands (errors, env).
void registerCoreCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<ErrorsCommand>());
  registry.add(std::make_unique<EnvironmentCommand>());
}

}  // namespace medsight
