#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief Studies, series and instances in the database (the DICOM patient/study/series/
/// instance model): idempotent inserts, look-ups, the triage worklist and study states.
class StudyStore {
 public:
  /// \brief Uses `database` (must outlive the store).
  explicit StudyStore(Database& database) : db_(database) {}

  /// \brief Stores one instance row with its study and series (created on first sight) in one
  /// transaction, and (for acquired series) queues or re-times the series' analysis job. A SOP
  /// Instance UID already stored is left untouched (inserted = false): DICOM retries and
  /// concurrent senders of one study end in one study tree.
  InstanceInsert insertInstance(const IncomingInstance& incoming);

  /// \brief The study with this Study Instance UID, if stored.
  std::optional<StudyRecord> findStudy(const std::string& studyUid);
  /// \brief The study, or NotFound naming the UID.
  StudyRecord requireStudy(const std::string& studyUid);
  /// \brief The study by row id, or NotFound.
  StudyRecord studyById(std::int64_t id);
  /// \brief Studies, newest first.
  std::vector<StudyRecord> listStudies(std::int64_t limit = 100, std::int64_t offset = 0);
  /// \brief The triage worklist: open studies (not signed, unless `includeSigned`) by urgency
  /// tier (AI-positive first), then probability, then age (oldest first).
  std::vector<StudyRecord> worklist(bool includeSigned = false, std::int64_t limit = 200);

  /// \brief Series of a study in series-number order.
  std::vector<SeriesRecord> seriesOf(std::int64_t studyId);
  /// \brief A series by row id, or NotFound.
  SeriesRecord seriesById(std::int64_t id);
  /// \brief A series by Series Instance UID, if stored.
  std::optional<SeriesRecord> findSeries(const std::string& seriesUid);
  /// \brief Instances of a series in instance-number order.
  std::vector<InstanceRecord> instancesOf(std::int64_t seriesId);
  /// \brief An instance by SOP Instance UID, if stored.
  std::optional<InstanceRecord> findInstance(const std::string& sopUid);
  /// \brief Every stored file name (for sweeping files of interrupted writes).
  std::vector<std::string> allFileNames();
  /// \brief Counts of studies, series, instances (health and metrics).
  std::vector<std::pair<std::string, std::int64_t>> counts();

  /// \brief Recomputes a study's state and urgency from its jobs and findings (call inside
  /// the transaction that changed them). Reviewed and signed studies keep their state.
  static void recomputeTriage(SqlConnection& connection, std::int64_t studyId);
  /// \brief Reads a study row.
  static StudyRecord studyFromRow(const SqlRow& row);
  /// \brief Reads a series row.
  static SeriesRecord seriesFromRow(const SqlRow& row);
  /// \brief Reads an instance row.
  static InstanceRecord instanceFromRow(const SqlRow& row);

 private:
  Database& db_;
};

}  // namespace medsight
