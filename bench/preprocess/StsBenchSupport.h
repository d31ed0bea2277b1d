#pragma once

// Shared by the benchmarks in bench/preprocess: where the STS volumes are, and running a Python
// peer script that reads what the benchmark wrote to a scratch folder.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "core/DatasetLocator.h"
#include "core/Error.h"

namespace medsight::bench {

/// \brief The STS NIfTI folder, or nothing when it is missing (the caller prints its SKIP line
/// and returns 77, ctest's SKIP_RETURN_CODE); missing with MEDSIGHT_REQUIRE_DATA=1 is an error.
inline std::optional<std::filesystem::path> stsNiftiOrSkip() {
  if (auto found = DatasetLocator::find("sts/nifti")) return found;
  const char* require = std::getenv("MEDSIGHT_REQUIRE_DATA");
  if (require && std::string(require) == "1") {
    throw Error(ErrorCode::FileNotFound,
                "sts/nifti not found (MEDSIGHT_REQUIRE_DATA=1); set MEDSIGHT_DATA or --data");
  }
  std::printf("SKIP: sts/nifti not found (set MEDSIGHT_DATA or give --data)\n");
  return std::nullopt;
}

/// \brief Runs `/usr/bin/python3 MEDSIGHT_BENCH_DIR/script args`, then removes `scratch`.
/// Returns false (after saying so) when the peer fails, which includes its outputs differing
/// from MedSight's: then its figures are not of the same work.
inline bool runPythonPeer(const std::string& benchDir, const std::string& script,
                          const std::string& args, const std::filesystem::path& scratch) {
  const std::string cmd = "/usr/bin/python3 " + benchDir + "/" + script + " " + args;
  std::fflush(stdout);
  const int code = std::system(cmd.c_str());
  std::filesystem::remove_all(scratch);
  if (code != 0) std::fprintf(stderr, "python peer failed (status %d)\n", code);
  return code == 0;
}

}  // namespace medsight::bench
