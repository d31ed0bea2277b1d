#pragma once

#include <cstddef>
#include <string>

#include "privacy/DateShifter.h"
#include "privacy/DeidentificationProfile.h"
#include "privacy/IdentifierScrubber.h"
#include "privacy/Pseudonymizer.h"
#include "privacy/SafePrivateList.h"

class DcmItem;
class DcmElement;

namespace medsight {

/// \brief Counts of what the rewriter did to one instance.
struct RewriteCounts {
  /// \brief Attributes removed (X), including private ones.
  std::size_t removed = 0;
  /// \brief Attributes emptied (Z).
  std::size_t emptied = 0;
  /// \brief Attributes given dummy values (D).
  std::size_t dummied = 0;
  /// \brief Attributes cleaned (C).
  std::size_t cleaned = 0;
  /// \brief UID values replaced (U).
  std::size_t uidsReplaced = 0;
  /// \brief Private attributes kept by the safe private list.
  std::size_t privateKept = 0;
};

/// \brief Applies a DeidentificationProfile to a DCMTK data set in place: every attribute with a
/// row in Table E.1-1 gets its action, sequences are walked to any depth (nested items get the
/// same rules), private attributes are removed unless safe, group lengths are dropped for the
/// writer to recompute. Internal to the privacy module; only DicomDeidentifier uses it.
class DicomDatasetRewriter {
 public:
  /// \brief Everything the rewrite needs for one instance (all references must outlive it).
  DicomDatasetRewriter(const DeidentificationProfile& profile, const Pseudonymizer& pseudonymizer,
                       const SafePrivateList& safePrivate, const IdentifierScrubber& scrubber,
                       const DateShifter& dates, std::string patientPseudonym);
  /// \brief Rewrites the data set (top level and all nested items).
  void rewrite(DcmItem& dataset);
  /// \brief What was done.
  const RewriteCounts& counts() const { return counts_; }

  /// \brief A non-empty dummy value valid for the VR (PS3.15 E.1.1 action D).
  static std::string dummyFor(const std::string& vr);
  /// \brief Turns off DCMTK's own console logging once per process: parse problems surface as
  /// medsight::Error messages instead of interleaved "E:"/"W:" lines.
  static void silenceDcmtkLog();

 private:
  enum class Mode { Normal, Dummy, Clean };
  void rewriteItem(DcmItem& item, Mode mode, int depth);
  void applyRule(DcmItem& item, DcmElement& element, Mode mode, int depth, bool& remove);
  void applyMode(DcmElement& element, Mode mode);
  void clean(DcmItem& item, DcmElement& element, int column, int depth, bool& remove);
  void putDummy(DcmElement& element);
  void replaceUids(DcmElement& element);
  void shiftOrDummyDate(DcmElement& element, bool keep);
  void rewritePrivate(DcmItem& item, int depth);
  void recurse(DcmElement& sequence, Mode mode, int depth);

  const DeidentificationProfile& profile_;
  const Pseudonymizer& pseudonymizer_;
  const SafePrivateList& safePrivate_;
  const IdentifierScrubber& scrubber_;
  const DateShifter& dates_;
  std::string pseudonym_;
  RewriteCounts counts_;
};

}  // namespace medsight
