#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "privacy/DeidentificationProfile.h"
#include "privacy/KeyFile.h"
#include "privacy/SafePrivateList.h"

namespace medsight {

/// \brief One thing in a de-identified file that should not be there.
struct VerificationFinding {
  /// \brief The file.
  std::filesystem::path file;
  /// \brief Attribute path, e.g. "(0008,1110)[0](0008,1150)".
  std::string tag;
  /// \brief Attribute keyword or "private".
  std::string keyword;
  /// \brief "attribute-not-removed", "private-not-safe", "identifier-left", "marker-missing",
  /// "unreadable".
  std::string kind;
  /// \brief Details (the offending value is never printed, only its length and source).
  std::string detail;
};

/// \brief Result of scanning a folder.
struct VerificationReport {
  /// \brief Files scanned.
  std::size_t filesScanned = 0;
  /// \brief Everything found.
  std::vector<VerificationFinding> findings;
  /// \brief Number of findings of one kind.
  std::size_t count(const std::string& kind) const;
  /// \brief JSON report (counts by kind plus the findings).
  nlohmann::json toJson(std::size_t maxFindings = 1000) const;
};

/// \brief Checks de-identified DICOM files against the profile they claim (`medsight
/// deid-verify`): attributes that the profile removes (X) but still hold a value, private
/// attributes not
/// on the safe list, missing Patient Identity Removed = YES, and, when the originals are given,
/// any value equal to (or, for names and IDs, containing) an original identifier, compared in
/// UTF-8 after DICOM character-set conversion so that Chinese or Greek names are caught too.
/// Works on any de-identifier's output (used to compare MedSight with gdcmanon).
class DeidentificationVerifier {
 public:
  /// \brief A verifier for the Basic Profile with `profile`'s options.
  DeidentificationVerifier(DeidentificationProfile profile, SafePrivateList safePrivate);
  /// \brief Collects the identifiers of the original files (file or folder) to look for.
  void addOriginals(const std::filesystem::path& originals);
  /// \brief With the project key the verifier can pair each output with its original (through
  /// the keyed UID mapping) and look for names and IDs inside free text of that instance only;
  /// without it, names of every original are looked for in every output, which can flag a
  /// word that is a name elsewhere in the corpus.
  void setPairingKey(const KeyFile& key);
  /// \brief Number of distinct original identifiers collected.
  std::size_t identifierCount() const { return exact_.size(); }
  /// \brief Scans a de-identified file or folder.
  VerificationReport verify(const std::filesystem::path& folder) const;

 private:
  DeidentificationProfile profile_;
  SafePrivateList safePrivate_;
  std::map<std::string, std::string> exact_;  // value -> attribute it came from
  std::vector<std::string> contained_;        // names/IDs that must not appear inside text
  std::set<std::string> kept_;                // values of attributes the profile keeps
  std::map<std::string, std::vector<std::string>> containedBySop_;  // original SOP -> names/IDs
  std::map<std::string, std::set<std::string>> exactBySop_;         // original SOP -> values
  std::map<std::string, std::string> originalByOutputUid_;          // output SOP -> original
};

}  // namespace medsight
