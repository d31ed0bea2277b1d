// The `medsight` executable: registers every module's commands and dispatches. All behaviour
// lives in the library (src/); this file only wires it together.
#include <string>

#include "core/CommandRegistry.h"
#include "core/Version.h"

namespace medsight {
void registerAllCommands(CommandRegistry& registry);
}

int main(int argc, char** argv) {
  medsight::CommandRegistry registry;
  medsight::registerAllCommands(registry);
  const std::string version =
      std::string("medsight ") + medsight::kVersion + " (" + medsight::kGitCommit + ")";
  return registry.runMain(argc, argv, version);
}
