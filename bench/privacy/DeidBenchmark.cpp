// The de-identification library without the `medsight` executable around it: the same
// DeidentificationRun that `medsight deid` runs, in a process that links only the privacy module,
// so its wall-clock time compares with gdcmanon's without LibTorch's start-up (the CLI links
// every module). Usage: medsight_bench_privacy IN OUT KEY [THREADS]
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/ProgressReporter.h"
#include "privacy/DeidentificationRun.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s IN OUT KEY [THREADS]\n", argv[0]);
    return 2;
  }
  try {
    medsight::ProgressReporter::setEnabled(false);
    medsight::DeidentificationRunSettings settings;
    settings.input = argv[1];
    settings.output = argv[2];
    settings.keyFile = argv[3];
    settings.threads = argc > 4 ? std::atoi(argv[4]) : 0;
    medsight::DeidentificationRun run(settings);
    const auto summary = run.run();
    std::printf("%s\n", summary.toJson(run.settings()).dump(2).c_str());
    return summary.failures.empty() ? 0 : 44;
  } catch (const medsight::Error& e) {
    std::fprintf(stderr, "medsight_bench_privacy: %s\n", e.what());
    return e.exitCode();
  }
}
