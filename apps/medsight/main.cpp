// The `medsight` and `medsight-ml` executables: register the modules' commands and dispatch.
// All behaviour lives in the library (src/); this file only wires it together.
#include <string>

#include "core/CommandRegistry.h"
#include "core/Version.h"

namespace medsight {
void registerAllCommands(CommandRegistry& registry);
}

int main(int argc, char** argv) {
  medsight::CommandRegistry registry;
  medsight::registerAllCommands(registry);
#ifdef MEDSIGHT_DELEGATE_TO
  // Commands this executable lacks (the LibTorch ones) run in the sibling executable.
  registry.delegateUnknownCommandsTo(MEDSIGHT_DELEGATE_TO);
#endif
  const std::string version =
      std::string("medsight ") + medsight::kVersion + " (" + medsight::kGitCommit + ")";
  return registry.runMain(argc, argv, version);
}
