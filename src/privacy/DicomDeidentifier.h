#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "privacy/BurnedInAnnotationScreen.h"
#include "privacy/DeidentificationProfile.h"
#include "privacy/DicomDatasetRewriter.h"
#include "privacy/KeyFile.h"
#include "privacy/SafePrivateList.h"

namespace medsight {

/// \brief What happened to one input file.
struct DeidentifiedFile {
  /// \brief "done", "quarantined".
  std::string status;
  /// \brief The input file.
  std::filesystem::path input;
  /// \brief Where the de-identified file was written (output or quarantine folder).
  std::filesystem::path output;
  /// \brief Why it was quarantined (empty if not).
  std::string reason;
  /// \brief Patient pseudonym written into Patient ID / Patient's Name.
  std::string pseudonym;
  /// \brief Original Patient ID and Patient's Name (for the encrypted re-identification table).
  std::string originalPatientId;
  /// \brief Original Patient's Name.
  std::string originalPatientName;
  /// \brief Whether Clean Pixel Data was applied by a configured rule.
  bool pixelsCleaned = false;
  /// \brief Attribute-level counts.
  RewriteCounts counts;
};

/// \brief De-identifies single DICOM files (DCMTK dcmdata) with the Basic Application Level
/// Confidentiality Profile and options, per DICOM PS3.15 Annex E:
/// - every Table E.1-1 row, at every sequence depth (DicomDatasetRewriter);
/// - patient identity replaced by a keyed pseudonym, UIDs by keyed UIDs (same input, same output
///   under one project key), dates shifted per patient when asked;
/// - Patient Identity Removed (0012,0062) = YES, De-identification Method (0012,0063) and
///   Method Code Sequence (0012,0064, CID 7050), Longitudinal Temporal Information Modified;
/// - images that may carry burned-in text are written to the quarantine folder with the reason
///   unless a pixel-cleaning rule for the device blanks the text areas;
/// - pixel data is otherwise copied bit for bit in its original transfer syntax;
/// - output paths contain only pseudonyms and new UIDs; files are written atomically.
/// Thread-safe: one instance may process many files concurrently.
class DicomDeidentifier {
 public:
  /// \brief Sets up with a profile, project key, safe private list and burned-in screen.
  DicomDeidentifier(DeidentificationProfile profile, const KeyFile& key,
                    SafePrivateList safePrivate = SafePrivateList::builtIn(),
                    BurnedInAnnotationScreen screen = {});
  ~DicomDeidentifier();
  DicomDeidentifier(const DicomDeidentifier&) = delete;
  DicomDeidentifier& operator=(const DicomDeidentifier&) = delete;

  /// \brief De-identifies `input` into `outputRoot/<pseudonym>/<study>/<series>/<sop>.dcm`, or
  /// into `quarantineRoot/...` when burned-in text is suspected. Throws UnsupportedFormat /
  /// FileUnreadable / CorruptData naming the input when it is not readable DICOM; nothing is
  /// written then, and the input is never modified.
  DeidentifiedFile deidentify(const std::filesystem::path& input,
                              const std::filesystem::path& outputRoot,
                              const std::filesystem::path& quarantineRoot) const;

  /// \brief The profile in use.
  const DeidentificationProfile& profile() const;
  /// \brief With false, outputs are renamed into place without a per-file fsync; the caller
  /// then makes the batch durable with StagedOutputFile::syncTree (DeidentificationRun does).
  void setDurableWrites(bool durable) { durable_ = durable; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool durable_ = true;
};

}  // namespace medsight
