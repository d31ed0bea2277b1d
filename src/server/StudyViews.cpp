#include "server/StudyViews.h"

#include <sodium.h>

namespace medsight {
namespace {

std::string pseudonym(const std::string& patientId, const KeyFile* key) {
  if (!key) return "anon";
  const auto sub = key->derive("pseudonym");
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, sub.data(), sub.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(patientId.data()),
                                patientId.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return "anon-" + std::string(hex).substr(0, 16);
}

}  // namespace

nlohmann::json StudyViews::study(const StudyRecord& s, Role role, const KeyFile* key) {
  const bool identified = AccessPolicy::allows(role, Permission::ViewIdentifiedStudy);
  nlohmann::json j{
      {"study_uid", s.studyUid},           {"state", s.state},
      {"urgency_tier", s.urgencyTier},     {"urgency", s.urgency},
      {"urgency_reason", s.urgencyReason}, {"not_analysed_reason", s.notAnalysedReason},
      {"received_at", s.receivedAt},       {"updated_at", s.updatedAt},
      {"description", s.description},      {"signed_by", s.signedBy},
      {"signed_at", s.signedAt},           {"identified", identified}};
  if (identified) {
    j["patient_id"] = s.patientId;
    j["patient_name"] = s.patientName;
    j["patient_birth_date"] = s.patientBirthDate;
    j["patient_sex"] = s.patientSex;
    j["study_date"] = s.studyDate;
    j["study_time"] = s.studyTime;
    j["accession_number"] = s.accessionNumber;
    j["report_text"] = s.reportText;
  } else {
    j["patient_id"] = pseudonym(s.patientId, key);
    j["patient_sex"] = s.patientSex;
    j["study_year"] = s.studyDate.size() >= 4 ? s.studyDate.substr(0, 4) : "";
  }
  return j;
}

nlohmann::json StudyViews::series(const SeriesRecord& s) {
  return {{"series_uid", s.seriesUid},
          {"modality", s.modality},
          {"body_part", s.bodyPart},
          {"description", s.description},
          {"series_number", s.seriesNumber},
          {"origin", s.origin},
          {"instances", s.instanceCount},
          {"state", s.state},
          {"reason", s.reason}};
}

nlohmann::json StudyViews::finding(const FindingRecord& f) {
  nlohmann::json j{
      {"id", f.id},
      {"concept", f.conceptId},
      {"label", f.label},
      {"probability", f.probability},
      {"threshold", f.threshold},
      {"positive", f.positive},
      {"model",
       {{"name", f.modelName}, {"version", f.modelVersion}, {"weights_sha256", f.weightsSha256}}},
      {"instance_uid", f.instanceUid},
      {"heatmap_series_uid", f.heatmapSeriesUid},
      {"status", f.status},
      {"doctor_comment", f.doctorComment},
      {"reviewed_by", f.reviewedBy},
      {"created_at", f.createdAt}};
  j["doctor_present"] =
      f.doctorPresent ? nlohmann::json(*f.doctorPresent) : nlohmann::json(nullptr);
  j["details"] = nlohmann::json::parse(f.details, nullptr, false);
  if (j["details"].is_discarded()) j["details"] = nullptr;
  return j;
}

nlohmann::json StudyViews::job(const JobRecord& j) {
  return {{"id", j.id},
          {"series_id", j.seriesId},
          {"state", j.state},
          {"attempts", j.attempts},
          {"max_attempts", j.maxAttempts},
          {"run_after", j.runAfter},
          {"lease_owner", j.leaseOwner},
          {"last_error", j.lastError},
          {"updated_at", j.updatedAt}};
}

nlohmann::json StudyViews::review(const ReviewRecord& r) {
  return {{"id", r.id},
          {"finding_id", r.findingId ? nlohmann::json(*r.findingId) : nlohmann::json(nullptr)},
          {"user", r.username},
          {"action", r.action},
          {"comment", r.comment},
          {"at", r.createdAt}};
}

nlohmann::json StudyViews::output(const OutputRecord& o) {
  return {{"kind", o.kind},
          {"sop_instance_uid", o.sopUid},
          {"series_uid", o.seriesUid},
          {"sent_to", o.sentTo},
          {"created_at", o.createdAt}};
}

}  // namespace medsight
