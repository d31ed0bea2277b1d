#include "store/SchemaMigrations.h"

#include "core/Error.h"
#include "store/Database.h"

namespace medsight {
namespace {

// Version 1: studies, series, instances (the DICOM information model, PS3.3 A.1.2), the job
// queue, AI findings, doctor reviews, users, sessions and the audit chain. Times are
// milliseconds since the Unix epoch.
const char* kVersion1 = R"SQL(
CREATE TABLE studies (
  id {id},
  study_uid TEXT NOT NULL UNIQUE,
  patient_id TEXT NOT NULL DEFAULT '',
  patient_name TEXT NOT NULL DEFAULT '',
  patient_birth_date TEXT NOT NULL DEFAULT '',
  patient_sex TEXT NOT NULL DEFAULT '',
  study_date TEXT NOT NULL DEFAULT '',
  study_time TEXT NOT NULL DEFAULT '',
  accession_number TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'new',
  urgency_tier BIGINT NOT NULL DEFAULT 1,
  urgency DOUBLE PRECISION NOT NULL DEFAULT 0,
  urgency_reason TEXT NOT NULL DEFAULT '',
  not_analysed_reason TEXT NOT NULL DEFAULT '',
  report_text TEXT NOT NULL DEFAULT '',
  signed_by TEXT NOT NULL DEFAULT '',
  signed_at BIGINT NOT NULL DEFAULT 0,
  received_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE series (
  id {id},
  series_uid TEXT NOT NULL UNIQUE,
  study_id BIGINT NOT NULL REFERENCES studies(id),
  modality TEXT NOT NULL DEFAULT '',
  body_part TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  photometric TEXT NOT NULL DEFAULT '',
  series_number BIGINT NOT NULL DEFAULT 0,
  origin TEXT NOT NULL DEFAULT 'acquired',
  instance_count BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'receiving',
  reason TEXT NOT NULL DEFAULT '',
  last_instance_at BIGINT NOT NULL
);
CREATE INDEX series_study ON series(study_id);
CREATE TABLE instances (
  id {id},
  sop_uid TEXT NOT NULL UNIQUE,
  sop_class_uid TEXT NOT NULL,
  series_id BIGINT NOT NULL REFERENCES series(id),
  instance_number BIGINT NOT NULL DEFAULT 0,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes BIGINT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL
);
CREATE INDEX instances_series ON instances(series_id);
CREATE TABLE jobs (
  id {id},
  series_id BIGINT NOT NULL UNIQUE REFERENCES series(id),
  state TEXT NOT NULL DEFAULT 'pending',
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL DEFAULT 3,
  run_after BIGINT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs(state, run_after);
CREATE TABLE findings (
  id {id},
  study_id BIGINT NOT NULL REFERENCES studies(id),
  series_id BIGINT NOT NULL REFERENCES series(id),
  concept TEXT NOT NULL,
  label TEXT NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  positive BIGINT NOT NULL,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  weights_sha256 TEXT NOT NULL,
  instance_uid TEXT NOT NULL DEFAULT '',
  heatmap_series_uid TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'proposed',
  doctor_present BIGINT,
  doctor_comment TEXT NOT NULL DEFAULT '',
  reviewed_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX findings_study ON findings(study_id);
CREATE TABLE reviews (
  id {id},
  study_id BIGINT NOT NULL REFERENCES studies(id),
  finding_id BIGINT,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX reviews_study ON reviews(study_id);
CREATE TABLE users (
  id {id},
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  disabled BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE audit_records (
  seq BIGINT PRIMARY KEY,
  record TEXT NOT NULL
);
CREATE TABLE audit_anchor (
  id BIGINT PRIMARY KEY,
  anchor TEXT NOT NULL
);
)SQL";

// Version 2: the worklist query (open studies by tier, then age) and result outputs (DICOM SR
// and heatmap series written back to the study) tracked per study.
const char* kVersion2 = R"SQL(
CREATE INDEX studies_worklist ON studies(state, urgency_tier, received_at);
CREATE TABLE outputs (
  id {id},
  study_id BIGINT NOT NULL REFERENCES studies(id),
  kind TEXT NOT NULL,
  sop_uid TEXT NOT NULL,
  series_uid TEXT NOT NULL,
  sent_to TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX outputs_study ON outputs(study_id);
)SQL";

std::string expand(const std::string& sql, SqlDialect dialect) {
  const std::string id = dialect == SqlDialect::Postgres ? "BIGSERIAL PRIMARY KEY"
                                                         : "INTEGER PRIMARY KEY AUTOINCREMENT";
  std::string out = sql;
  for (std::size_t pos = out.find("{id}"); pos != std::string::npos; pos = out.find("{id}")) {
    out.replace(pos, 4, id);
  }
  return out;
}

}  // namespace

const std::vector<SchemaMigration>& SchemaMigrations::all() {
  static const std::vector<SchemaMigration> migrations{
      {1, "studies, series, instances, jobs, findings, reviews, users, sessions, audit", kVersion1},
      {2, "worklist index and result outputs", kVersion2},
  };
  return migrations;
}

int SchemaMigrations::latestVersion() {
  return all().back().version;
}

int SchemaMigrations::currentVersion(SqlConnection& c) {
  c.executeScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  const auto rows = c.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations");
  return static_cast<int>(rows.at(0).integer(0));
}

void SchemaMigrations::apply(SqlConnection& c, const std::string& name) {
  currentVersion(c);  // creates the bookkeeping table outside the migration transaction
  c.begin(true);
  try {
    if (c.dialect() == SqlDialect::Postgres) {
      // Serialises concurrent starters (servers and workers) across machines.
      c.query("SELECT pg_advisory_xact_lock(7345201)");
    }
    const int current = currentVersion(c);
    if (current > latestVersion()) {
      throw Error(ErrorCode::Conflict,
                  name + ": database schema version " + std::to_string(current) +
                      " is newer than this MedSight knows (" + std::to_string(latestVersion()) +
                      "); upgrade MedSight instead of opening it with an older build");
    }
    for (const auto& m : all()) {
      if (m.version <= current) continue;
      c.executeScript(expand(m.sql, c.dialect()));
      c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                {std::int64_t{m.version}, m.name, Database::nowMillis()});
    }
    c.commit();
  } catch (...) {
    c.rollback();
    throw;
  }
}

}  // namespace medsight
