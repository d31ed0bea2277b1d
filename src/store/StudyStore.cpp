#include "store/StudyStore.h"

#include <algorithm>

#include "core/Error.h"

namespace medsight {

StudyRecord StudyStore::studyFromRow(const SqlRow& r) {
  StudyRecord s;
  s.id = r.integer("id");
  s.studyUid = r.text("study_uid");
  s.patientId = r.text("patient_id");
  s.patientName = r.text("patient_name");
  s.patientBirthDate = r.text("patient_birth_date");
  s.patientSex = r.text("patient_sex");
  s.studyDate = r.text("study_date");
  s.studyTime = r.text("study_time");
  s.accessionNumber = r.text("accession_number");
  s.description = r.text("description");
  s.state = r.text("state");
  s.urgencyTier = r.integer("urgency_tier");
  s.urgency = r.real("urgency");
  s.urgencyReason = r.text("urgency_reason");
  s.notAnalysedReason = r.text("not_analysed_reason");
  s.reportText = r.text("report_text");
  s.signedBy = r.text("signed_by");
  s.signedAt = r.integer("signed_at");
  s.receivedAt = r.integer("received_at");
  s.updatedAt = r.integer("updated_at");
  return s;
}

SeriesRecord StudyStore::seriesFromRow(const SqlRow& r) {
  SeriesRecord s;
  s.id = r.integer("id");
  s.seriesUid = r.text("series_uid");
  s.studyId = r.integer("study_id");
  s.modality = r.text("modality");
  s.bodyPart = r.text("body_part");
  s.description = r.text("description");
  s.photometric = r.text("photometric");
  s.seriesNumber = r.integer("series_number");
  s.origin = r.text("origin");
  s.instanceCount = r.integer("instance_count");
  s.state = r.text("state");
  s.reason = r.text("reason");
  s.lastInstanceAt = r.integer("last_instance_at");
  return s;
}

InstanceRecord StudyStore::instanceFromRow(const SqlRow& r) {
  InstanceRecord i;
  i.id = r.integer("id");
  i.sopUid = r.text("sop_uid");
  i.sopClassUid = r.text("sop_class_uid");
  i.seriesId = r.integer("series_id");
  i.instanceNumber = r.integer("instance_number");
  i.fileName = r.text("file_name");
  i.fileSha256 = r.text("file_sha256");
  i.fileBytes = r.integer("file_bytes");
  i.source = r.text("source");
  i.receivedAt = r.integer("received_at");
  return i;
}

InstanceInsert StudyStore::insertInstance(const IncomingInstance& in) {
  const std::int64_t now = Database::nowMillis();
  return db_.transact([&](SqlConnection& c) {
    InstanceInsert out;
    const auto& st = in.study;
    // Study: created on first sight; later instances never overwrite what the first brought.
    c.execute(
        "INSERT INTO studies (study_uid, patient_id, patient_name, patient_birth_date, "
        "patient_sex, study_date, study_time, accession_number, description, received_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) "
        "ON CONFLICT (study_uid) DO NOTHING",
        {st.studyUid, st.patientId, st.patientName, st.patientBirthDate, st.patientSex,
         st.studyDate, st.studyTime, st.accessionNumber, st.description, now});
    out.studyId =
        c.query("SELECT id FROM studies WHERE study_uid = $1", {st.studyUid}).at(0).integer(0);

    const auto& se = in.series;
    const bool derived = se.origin == "derived";
    c.execute(
        "INSERT INTO series (series_uid, study_id, modality, body_part, description, "
        "photometric, series_number, origin, state, last_instance_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (series_uid) DO NOTHING",
        {se.seriesUid, out.studyId, se.modality, se.bodyPart, se.description, se.photometric,
         se.seriesNumber, se.origin, std::string(derived ? "derived" : "receiving"), now});
    const auto seriesRow =
        c.query("SELECT id, study_id FROM series WHERE series_uid = $1", {se.seriesUid}).at(0);
    out.seriesId = seriesRow.integer(0);
    if (seriesRow.integer(1) != out.studyId) {
      throw Error(
          ErrorCode::Conflict,
          "series " + se.seriesUid + " is already stored under another study than " + st.studyUid);
    }

    const auto& i = in.instance;
    const auto inserted = c.query(
        "INSERT INTO instances (sop_uid, sop_class_uid, series_id, instance_number, file_name, "
        "file_sha256, file_bytes, source, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9) ON CONFLICT (sop_uid) DO NOTHING RETURNING id",
        {i.sopUid, i.sopClassUid, out.seriesId, i.instanceNumber, i.fileName, i.fileSha256,
         i.fileBytes, i.source, now});
    if (inserted.empty()) {
      const auto existing = c.query(
          "SELECT i.id, i.file_sha256, s.series_uid FROM instances i JOIN series s ON "
          "s.id = i.series_id WHERE i.sop_uid = $1",
          {i.sopUid});
      out.instanceId = existing.at(0).integer(0);
      out.existingSha256 = existing.at(0).text(1);
      if (existing.at(0).text(2) != se.seriesUid) {
        throw Error(
            ErrorCode::Conflict,
            "instance " + i.sopUid + " is already stored in another series than " + se.seriesUid);
      }
      return out;
    }
    out.inserted = true;
    out.instanceId = inserted.at(0).integer(0);
    c.execute(
        "UPDATE series SET instance_count = instance_count + 1, last_instance_at = $2 "
        "WHERE id = $1",
        {out.seriesId, now});
    c.execute("UPDATE studies SET updated_at = $2 WHERE id = $1", {out.studyId, now});
    if (!derived) {
      // The series is complete once no instance arrived for stableAfterMillis (the way PACS
      // such as Orthanc decide a study is stable); every new instance pushes the job back.
      c.execute(
          "INSERT INTO jobs (series_id, state, max_attempts, run_after, created_at, updated_at) "
          "VALUES ($1, 'pending', $2, $3, $4, $4) ON CONFLICT (series_id) DO UPDATE SET "
          "run_after = $3, updated_at = $4, attempts = 0, last_error = '', "
          "state = CASE WHEN jobs.state = 'running' THEN 'running' ELSE 'pending' END",
          {out.seriesId, in.maxAttempts, now + in.stableAfterMillis, now});
      c.execute("UPDATE series SET state = 'queued', reason = '' WHERE id = $1", {out.seriesId});
      recomputeTriage(c, out.studyId);
    }
    return out;
  });
}

std::optional<StudyRecord> StudyStore::findStudy(const std::string& studyUid) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM studies WHERE study_uid = $1", {studyUid});
  });
  if (rows.empty()) return std::nullopt;
  return studyFromRow(rows.front());
}

StudyRecord StudyStore::requireStudy(const std::string& studyUid) {
  auto s = findStudy(studyUid);
  if (!s) throw Error(ErrorCode::NotFound, "study " + studyUid + ": not stored");
  return *s;
}

StudyRecord StudyStore::studyById(std::int64_t id) {
  const auto rows = db_.read(
      [&](SqlConnection& c) { return c.query("SELECT * FROM studies WHERE id = $1", {id}); });
  if (rows.empty())
    throw Error(ErrorCode::NotFound, "study #" + std::to_string(id) + ": not stored");
  return studyFromRow(rows.front());
}

std::vector<StudyRecord> StudyStore::listStudies(std::int64_t limit, std::int64_t offset) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM studies ORDER BY received_at DESC, id DESC LIMIT $1 OFFSET $2",
                   {limit, offset});
  });
  std::vector<StudyRecord> out;
  for (const auto& r : rows) out.push_back(studyFromRow(r));
  return out;
}

std::vector<StudyRecord> StudyStore::worklist(bool includeSigned, std::int64_t limit) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query(
        "SELECT * FROM studies WHERE ($1 = 1 OR state <> 'signed') "
        "ORDER BY urgency_tier DESC, urgency DESC, received_at ASC, id ASC LIMIT $2",
        {std::int64_t{includeSigned ? 1 : 0}, limit});
  });
  std::vector<StudyRecord> out;
  for (const auto& r : rows) out.push_back(studyFromRow(r));
  return out;
}

std::vector<SeriesRecord> StudyStore::seriesOf(std::int64_t studyId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM series WHERE study_id = $1 ORDER BY series_number, id",
                   {studyId});
  });
  std::vector<SeriesRecord> out;
  for (const auto& r : rows) out.push_back(seriesFromRow(r));
  return out;
}

SeriesRecord StudyStore::seriesById(std::int64_t id) {
  const auto rows = db_.read(
      [&](SqlConnection& c) { return c.query("SELECT * FROM series WHERE id = $1", {id}); });
  if (rows.empty())
    throw Error(ErrorCode::NotFound, "series #" + std::to_string(id) + ": not stored");
  return seriesFromRow(rows.front());
}

std::optional<SeriesRecord> StudyStore::findSeries(const std::string& seriesUid) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM series WHERE series_uid = $1", {seriesUid});
  });
  if (rows.empty()) return std::nullopt;
  return seriesFromRow(rows.front());
}

std::vector<InstanceRecord> StudyStore::instancesOf(std::int64_t seriesId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM instances WHERE series_id = $1 ORDER BY instance_number, id",
                   {seriesId});
  });
  std::vector<InstanceRecord> out;
  for (const auto& r : rows) out.push_back(instanceFromRow(r));
  return out;
}

std::optional<InstanceRecord> StudyStore::findInstance(const std::string& sopUid) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM instances WHERE sop_uid = $1", {sopUid});
  });
  if (rows.empty()) return std::nullopt;
  return instanceFromRow(rows.front());
}

std::vector<std::string> StudyStore::allFileNames() {
  const auto rows =
      db_.read([](SqlConnection& c) { return c.query("SELECT file_name FROM instances"); });
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> StudyStore::counts() {
  return db_.read([](SqlConnection& c) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const char* table : {"studies", "series", "instances", "findings"}) {
      out.emplace_back(table,
                       c.query(std::string("SELECT COUNT(*) FROM ") + table).at(0).integer(0));
    }
    for (const auto& r : c.query("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
      out.emplace_back("jobs_" + r.text(0), r.integer(1));
    }
    return out;
  });
}

void StudyStore::recomputeTriage(SqlConnection& c, std::int64_t studyId) {
  const auto studyRows = c.query("SELECT state FROM studies WHERE id = $1", {studyId});
  if (studyRows.empty()) return;
  const std::string state = studyRows.front().text(0);
  const std::int64_t open = c.query(
                                 "SELECT COUNT(*) FROM jobs j JOIN series s ON s.id = j.series_id "
                                 "WHERE s.study_id = $1 AND j.state IN ('pending', 'running')",
                                 {studyId})
                                .at(0)
                                .integer(0);
  // A finding counts as positive unless the doctor said otherwise.
  const auto findings = c.query(
      "SELECT concept, probability, positive, status, doctor_present FROM findings "
      "WHERE study_id = $1",
      {studyId});
  std::int64_t tier = 1;
  double urgency = 0.0;
  std::string reason;
  if (!findings.empty()) {
    tier = 0;
    for (const auto& f : findings) {
      bool positive = f.integer(2) != 0;
      if (f.text(3) == "rejected") positive = false;
      if (!f.isNull(4)) positive = f.integer(4) != 0;
      if (positive) {
        tier = 2;
        if (f.real(1) >= urgency) {
          urgency = f.real(1);
          reason = f.text(0) + " p=" + std::to_string(f.real(1)).substr(0, 5);
        }
      }
    }
  }
  std::string newState = state;
  std::string notAnalysed;
  if (state != "reviewed" && state != "signed") {
    if (open > 0) {
      newState = "new";
    } else if (!findings.empty()) {
      newState = "analysed";
    } else {
      const auto refused = c.query(
          "SELECT series_uid, modality, reason FROM series WHERE study_id = $1 AND origin = "
          "'acquired' AND state IN ('not_analysed', 'failed')",
          {studyId});
      if (!refused.empty()) {
        newState = "not_analysed";
        for (const auto& r : refused) {
          if (!notAnalysed.empty()) notAnalysed += "; ";
          notAnalysed += r.text(1) + " series " + r.text(0) + ": " + r.text(2);
        }
      }
    }
  }
  if (newState == "not_analysed") reason = "not analysed: needs a human reading";
  c.execute(
      "UPDATE studies SET state = $2, urgency_tier = $3, urgency = $4, urgency_reason = $5, "
      "not_analysed_reason = CASE WHEN $2 = 'not_analysed' THEN $6 ELSE not_analysed_reason END, "
      "updated_at = $7 WHERE id = $1",
      {studyId, newState, tier, urgency, reason, notAnalysed, Database::nowMillis()});
}

}  // namespace medsight
