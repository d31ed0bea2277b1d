#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief AI findings, doctor reviews, signing and result outputs. Each call is one
/// transaction that also updates the study's triage state, so the worklist never shows a
/// half-recorded result.
class FindingStore {
 public:
  /// \brief Uses `database` (must outlive the store).
  explicit FindingStore(Database& database) : db_(database) {}

  /// \brief Records a finished job: replaces the series' unreviewed findings with `findings`,
  /// sets the series state ("analysed" or "not_analysed" with `reason`), closes the job and
  /// updates the study triage. Throws Conflict if `owner` no longer holds the job (its lease
  /// expired and another worker took it), so a result is recorded exactly once.
  void recordAnalysis(std::int64_t jobId, const std::string& owner, std::int64_t seriesId,
                      const std::vector<FindingRecord>& findings, const std::string& seriesState,
                      const std::string& reason);

  /// \brief Findings of a study (AI order: highest probability first).
  std::vector<FindingRecord> findingsOf(std::int64_t studyId);
  /// \brief One finding, or NotFound.
  FindingRecord finding(std::int64_t id);
  /// \brief Applies a doctor's review: action "accept", "reject" or "edit" (then `present`
  /// gives the doctor's verdict), with free text. Moves the study to "reviewed". Throws
  /// Conflict for signed studies, InvalidArgument for unknown actions.
  FindingRecord review(std::int64_t findingId, const std::string& username,
                       const std::string& action, std::optional<bool> present,
                       const std::string& comment);
  /// \brief Stores the doctor's report text for a study (review step "report").
  void setReportText(std::int64_t studyId, const std::string& username, const std::string& text);
  /// \brief Signs a study: every AI finding must be reviewed first (Conflict otherwise).
  StudyRecord sign(std::int64_t studyId, const std::string& username);
  /// \brief Review actions on a study, oldest first.
  std::vector<ReviewRecord> reviewsOf(std::int64_t studyId);
  /// \brief Records a result object written into a study.
  void addOutput(const OutputRecord& output);
  /// \brief Marks an output as sent to a destination.
  void markSent(const std::string& sopUid, const std::string& destination);
  /// \brief Outputs of a study.
  std::vector<OutputRecord> outputsOf(std::int64_t studyId);
  /// \brief Reads a finding row.
  static FindingRecord findingFromRow(const SqlRow& row);

 private:
  Database& db_;
};

}  // namespace medsight
