#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <ios>
#include <string>

namespace medsight::test {

/// \brief Path of a file or folder under ../shared/datasets, or empty when it is absent.
std::filesystem::path datasetPath(const std::string& relative);

/// \brief True when MEDSIGHT_REQUIRE_DATA=1: missing data then fails instead of skipping.
bool dataRequired();

/// \brief Message explaining where data was searched.
std::string missingDataMessage(const std::string& relative);

/// \brief A fresh empty temporary folder, removed at process exit.
std::filesystem::path temporaryDirectory(const std::string& prefix);

/// \brief Path to the built `medsight` executable (for CLI tests).
std::filesystem::path medsightExecutable();

/// \brief Inverts every bit of the byte at `offset` (from the end when negative): a tampering
/// that always changes the file, unlike writing a fixed value that may already be there.
void flipByte(const std::filesystem::path& file, std::streamoff offset);

/// \brief Runs a shell command, capturing stdout and stderr; returns the exit status.
int runCommand(const std::string& command, std::string* stdoutText, std::string* stderrText);

/// \brief Runs the built `medsight` with `args` (shell words), capturing stdout and stderr;
/// returns its exit status.
int medsight(const std::string& args, std::string* stdoutText, std::string* stderrText);

}  // namespace medsight::test

/// \brief Declares `var` as the dataset path `relative`; skips the test (or fails under
/// MEDSIGHT_REQUIRE_DATA=1) with a clear message when the data is absent.
#define MEDSIGHT_DATASET(var, relative)                                      \
  const std::filesystem::path var = ::medsight::test::datasetPath(relative); \
  if (var.empty()) {                                                         \
    if (::medsight::test::dataRequired()) {                                  \
      FAIL() << ::medsight::test::missingDataMessage(relative);              \
    } else {                                                                 \
      GTEST_SKIP() << ::medsight::test::missingDataMessage(relative);        \
    }                                                                        \
  }
