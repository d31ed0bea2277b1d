#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "privacy/BurnedInAnnotationScreen.h"
#include "privacy/DeidentificationProfile.h"
#include "privacy/DicomDeidentifier.h"
#include "privacy/SafePrivateList.h"

namespace medsight {

/// \brief Settings of one `medsight deid` run.
struct DeidentificationRunSettings {
  /// \brief A DICOM file or a folder (searched recursively).
  std::filesystem::path input;
  /// \brief Output folder for de-identified files (must not be inside the input).
  std::filesystem::path output;
  /// \brief Folder for images suspected of burned-in text (default: "<output>-quarantine").
  std::filesystem::path quarantine;
  /// \brief Project key file (0600).
  std::filesystem::path keyFile;
  /// \brief Profile and options.
  DeidentificationProfile profile;
  /// \brief Extra safe private attributes (added to the built-in list).
  std::optional<std::filesystem::path> safePrivateFile;
  /// \brief Pixel-cleaning rules (JSON).
  std::optional<std::filesystem::path> pixelRulesFile;
  /// \brief Encrypted re-identification table to create or extend.
  std::optional<std::filesystem::path> reidentificationTable;
  /// \brief Audit log to append the run to.
  std::optional<std::filesystem::path> auditLog;
  /// \brief Who runs it (for the audit record).
  std::string user;
  /// \brief Worker threads (0 = all cores).
  int threads = 0;
  /// \brief fsync every output file as it is written (slower); by default the batch is flushed
  /// once at the end, before the run reports success.
  bool fsyncEachFile = false;
};

/// \brief Outcome of a run.
struct DeidentificationSummary {
  /// \brief Files found in the input.
  std::size_t filesTotal = 0;
  /// \brief Per-file results of de-identified and quarantined files, in input order.
  std::vector<DeidentifiedFile> files;
  /// \brief Files that failed, with the reason.
  std::vector<std::pair<std::filesystem::path, std::string>> failures;
  /// \brief Wall time in seconds.
  double seconds = 0;
  /// \brief Files written to the output folder.
  std::size_t done() const;
  /// \brief Files written to quarantine.
  std::size_t quarantined() const;
  /// \brief The JSON summary printed by `medsight deid`.
  nlohmann::json toJson(const DeidentificationRunSettings& settings) const;
};

/// \brief A batch de-identification over files or folders, as `medsight deid` runs it: checks
/// paths and the key before writing anything, never writes inside the input, processes files in
/// parallel with a progress bar, writes each output atomically, records each failure with its
/// reason and carries on with the other files, then writes the re-identification table and the
/// audit record.
class DeidentificationRun {
 public:
  /// \brief Validates the settings (throws FileNotFound, InvalidArgument or KeyMissing naming the
  /// problem) without writing anything.
  explicit DeidentificationRun(DeidentificationRunSettings settings);
  /// \brief Runs the batch.
  DeidentificationSummary run();
  /// \brief The settings after validation (quarantine folder filled in).
  const DeidentificationRunSettings& settings() const { return settings_; }

  /// \brief Throws InvalidArgument if `inner` is `outer` or inside it (after resolving links).
  static void requireOutside(const std::filesystem::path& inner, const std::string& innerRole,
                             const std::filesystem::path& outer, const std::string& outerRole);
  /// \brief Regular files under `input` (or `input` itself), sorted; broken links included so
  /// they are reported.
  static std::vector<std::filesystem::path> listInputs(const std::filesystem::path& input);

 private:
  DeidentificationRunSettings settings_;
};

}  // namespace medsight
