#include "store/FindingStore.h"

#include "core/Error.h"
#include "store/StudyStore.h"

namespace medsight {
namespace {

SqlValue optionalBool(const std::optional<bool>& v) {
  if (!v) return std::monostate{};
  return std::int64_t{*v ? 1 : 0};
}

}  // namespace

FindingRecord FindingStore::findingFromRow(const SqlRow& r) {
  FindingRecord f;
  f.id = r.integer("id");
  f.studyId = r.integer("study_id");
  f.seriesId = r.integer("series_id");
  f.conceptId = r.text("concept");
  f.label = r.text("label");
  f.probability = r.real("probability");
  f.threshold = r.real("threshold");
  f.positive = r.integer("positive") != 0;
  f.modelName = r.text("model_name");
  f.modelVersion = r.text("model_version");
  f.weightsSha256 = r.text("weights_sha256");
  f.instanceUid = r.text("instance_uid");
  f.heatmapSeriesUid = r.text("heatmap_series_uid");
  f.details = r.text("details");
  f.status = r.text("status");
  const auto idx = r.index("doctor_present");
  if (!r.isNull(idx)) f.doctorPresent = r.integer(idx) != 0;
  f.doctorComment = r.text("doctor_comment");
  f.reviewedBy = r.text("reviewed_by");
  f.createdAt = r.integer("created_at");
  f.updatedAt = r.integer("updated_at");
  return f;
}

void FindingStore::recordAnalysis(std::int64_t jobId, const std::string& owner,
                                  std::int64_t seriesId, const std::vector<FindingRecord>& findings,
                                  const std::string& seriesState, const std::string& reason) {
  const std::int64_t now = Database::nowMillis();
  db_.transact([&](SqlConnection& c) {
    const std::string jobState = seriesState == "analysed" ? "done" : "not_analysed";
    if (c.execute("UPDATE jobs SET state = $3, lease_owner = '', lease_until = 0, last_error = $4, "
                  "updated_at = $5 WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                  {jobId, owner, jobState, reason, now}) != 1) {
      throw Error(ErrorCode::Conflict, "job #" + std::to_string(jobId) + ": no longer held by " +
                                           owner + " (lease expired and taken over)");
    }
    const auto studyId =
        c.query("SELECT study_id FROM series WHERE id = $1", {seriesId}).at(0).integer(0);
    // Reviewed findings stay: a doctor's decision is never silently replaced by a re-run.
    c.execute("DELETE FROM findings WHERE series_id = $1 AND status = 'proposed'", {seriesId});
    for (const auto& f : findings) {
      c.execute(
          "INSERT INTO findings (study_id, series_id, concept, label, probability, threshold, "
          "positive, model_name, model_version, weights_sha256, instance_uid, "
          "heatmap_series_uid, details, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
          "$7, $8, $9, $10, $11, $12, $13, $14, $14)",
          {studyId, seriesId, f.conceptId, f.label, f.probability, f.threshold,
           std::int64_t{f.positive ? 1 : 0}, f.modelName, f.modelVersion, f.weightsSha256,
           f.instanceUid, f.heatmapSeriesUid, f.details, now});
    }
    c.execute("UPDATE series SET state = $2, reason = $3 WHERE id = $1",
              {seriesId, seriesState, reason});
    StudyStore::recomputeTriage(c, studyId);
  });
}

std::vector<FindingRecord> FindingStore::findingsOf(std::int64_t studyId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM findings WHERE study_id = $1 ORDER BY probability DESC, id",
                   {studyId});
  });
  std::vector<FindingRecord> out;
  for (const auto& r : rows) out.push_back(findingFromRow(r));
  return out;
}

FindingRecord FindingStore::finding(std::int64_t id) {
  const auto rows = db_.read(
      [&](SqlConnection& c) { return c.query("SELECT * FROM findings WHERE id = $1", {id}); });
  if (rows.empty())
    throw Error(ErrorCode::NotFound, "finding #" + std::to_string(id) + ": not found");
  return findingFromRow(rows.front());
}

FindingRecord FindingStore::review(std::int64_t findingId, const std::string& username,
                                   const std::string& action, std::optional<bool> present,
                                   const std::string& comment) {
  std::string status;
  if (action == "accept") {
    status = "accepted";
  } else if (action == "reject") {
    status = "rejected";
  } else if (action == "edit") {
    status = "edited";
    if (!present) {
      throw Error(ErrorCode::InvalidArgument,
                  "review of finding #" + std::to_string(findingId) +
                      ": action 'edit' needs \"present\": true or false");
    }
  } else {
    throw Error(ErrorCode::InvalidArgument, "review of finding #" + std::to_string(findingId) +
                                                ": action '" + action +
                                                "' is not one of accept, reject, edit");
  }
  const std::int64_t now = Database::nowMillis();
  return db_.transact([&](SqlConnection& c) {
    const auto rows = c.query(
        "SELECT f.*, s.state AS study_state FROM findings f JOIN studies s ON s.id = f.study_id "
        "WHERE f.id = $1",
        {findingId});
    if (rows.empty()) {
      throw Error(ErrorCode::NotFound, "finding #" + std::to_string(findingId) + ": not found");
    }
    const FindingRecord before = findingFromRow(rows.front());
    if (rows.front().text("study_state") == "signed") {
      throw Error(ErrorCode::Conflict, "finding #" + std::to_string(findingId) +
                                           ": the study is signed; findings can no longer change");
    }
    std::optional<bool> verdict = present;
    if (action == "accept") verdict = before.positive;
    if (action == "reject") verdict = !before.positive;
    c.execute(
        "UPDATE findings SET status = $2, doctor_present = $3, doctor_comment = $4, "
        "reviewed_by = $5, updated_at = $6 WHERE id = $1",
        {findingId, status, optionalBool(verdict), comment, username, now});
    c.execute(
        "INSERT INTO reviews (study_id, finding_id, username, action, comment, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {before.studyId, findingId, username, action, comment, now});
    c.execute("UPDATE studies SET state = 'reviewed', updated_at = $2 WHERE id = $1",
              {before.studyId, now});
    StudyStore::recomputeTriage(c, before.studyId);
    return findingFromRow(c.query("SELECT * FROM findings WHERE id = $1", {findingId}).at(0));
  });
}

void FindingStore::setReportText(std::int64_t studyId, const std::string& username,
                                 const std::string& text) {
  const std::int64_t now = Database::nowMillis();
  db_.transact([&](SqlConnection& c) {
    const auto rows = c.query("SELECT state FROM studies WHERE id = $1", {studyId});
    if (rows.empty())
      throw Error(ErrorCode::NotFound, "study #" + std::to_string(studyId) + ": not stored");
    if (rows.front().text(0) == "signed") {
      throw Error(ErrorCode::Conflict, "study #" + std::to_string(studyId) +
                                           ": signed; the report can no longer change");
    }
    c.execute(
        "UPDATE studies SET report_text = $2, state = 'reviewed', updated_at = $3 WHERE id = $1",
        {studyId, text, now});
    c.execute(
        "INSERT INTO reviews (study_id, finding_id, username, action, comment, created_at) "
        "VALUES ($1, NULL, $2, 'report', $3, $4)",
        {studyId, username, text, now});
  });
}

StudyRecord FindingStore::sign(std::int64_t studyId, const std::string& username) {
  const std::int64_t now = Database::nowMillis();
  return db_.transact([&](SqlConnection& c) {
    const auto rows = c.query("SELECT * FROM studies WHERE id = $1", {studyId});
    if (rows.empty())
      throw Error(ErrorCode::NotFound, "study #" + std::to_string(studyId) + ": not stored");
    const StudyRecord study = StudyStore::studyFromRow(rows.front());
    if (study.state == "signed") {
      throw Error(ErrorCode::Conflict,
                  "study " + study.studyUid + ": already signed by " + study.signedBy);
    }
    const auto open = c.query(
        "SELECT COUNT(*) FROM findings WHERE study_id = $1 AND status = 'proposed'", {studyId});
    if (open.at(0).integer(0) > 0) {
      throw Error(ErrorCode::Conflict, "study " + study.studyUid + ": " +
                                           std::to_string(open.at(0).integer(0)) +
                                           " AI finding(s) not reviewed yet; review each first");
    }
    const auto running = c.query(
        "SELECT COUNT(*) FROM jobs j JOIN series s ON s.id = j.series_id WHERE s.study_id = $1 "
        "AND j.state IN ('pending', 'running')",
        {studyId});
    if (running.at(0).integer(0) > 0) {
      throw Error(ErrorCode::Conflict,
                  "study " + study.studyUid + ": analysis still running; sign when it is done");
    }
    c.execute(
        "UPDATE studies SET state = 'signed', signed_by = $2, signed_at = $3, updated_at = $3 "
        "WHERE id = $1",
        {studyId, username, now});
    c.execute(
        "INSERT INTO reviews (study_id, finding_id, username, action, comment, created_at) "
        "VALUES ($1, NULL, $2, 'sign', '', $3)",
        {studyId, username, now});
    return StudyStore::studyFromRow(
        c.query("SELECT * FROM studies WHERE id = $1", {studyId}).at(0));
  });
}

std::vector<ReviewRecord> FindingStore::reviewsOf(std::int64_t studyId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM reviews WHERE study_id = $1 ORDER BY id", {studyId});
  });
  std::vector<ReviewRecord> out;
  for (const auto& r : rows) {
    ReviewRecord v;
    v.id = r.integer("id");
    v.studyId = r.integer("study_id");
    const auto idx = r.index("finding_id");
    if (!r.isNull(idx)) v.findingId = r.integer(idx);
    v.username = r.text("username");
    v.action = r.text("action");
    v.comment = r.text("comment");
    v.createdAt = r.integer("created_at");
    out.push_back(std::move(v));
  }
  return out;
}

void FindingStore::addOutput(const OutputRecord& o) {
  db_.transact([&](SqlConnection& c) {
    c.execute(
        "INSERT INTO outputs (study_id, kind, sop_uid, series_uid, sent_to, created_at) VALUES "
        "($1, $2, $3, $4, $5, $6)",
        {o.studyId, o.kind, o.sopUid, o.seriesUid, o.sentTo, Database::nowMillis()});
  });
}

void FindingStore::markSent(const std::string& sopUid, const std::string& destination) {
  db_.transact([&](SqlConnection& c) {
    c.execute("UPDATE outputs SET sent_to = $2 WHERE sop_uid = $1", {sopUid, destination});
  });
}

std::vector<OutputRecord> FindingStore::outputsOf(std::int64_t studyId) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM outputs WHERE study_id = $1 ORDER BY id", {studyId});
  });
  std::vector<OutputRecord> out;
  for (const auto& r : rows) {
    OutputRecord o;
    o.id = r.integer("id");
    o.studyId = r.integer("study_id");
    o.kind = r.text("kind");
    o.sopUid = r.text("sop_uid");
    o.seriesUid = r.text("series_uid");
    o.sentTo = r.text("sent_to");
    o.createdAt = r.integer("created_at");
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace medsight
