#include "privacy/AuditLog.h"

#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "core/Error.h"
#include "privacy/FileAuditSink.h"
#include "privacy/SodiumRuntime.h"

namespace medsight {
namespace {

using nlohmann::json;

const std::string kGenesis(64, '0');

std::string nowUtc() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return text;
}

std::string hostName() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

json participantJson(const AuditParticipant& p) {
  json j{{"UserID", p.userId}, {"UserIsRequestor", p.isRequestor}};
  if (!p.userName.empty()) j["UserName"] = p.userName;
  if (!p.role.empty()) j["RoleIDCode"] = p.role;
  if (!p.networkAccessPoint.empty()) j["NetworkAccessPointID"] = p.networkAccessPoint;
  if (!p.modelName.empty()) {
    j["Model"] = {
        {"name", p.modelName}, {"version", p.modelVersion}, {"weightsSha256", p.weightsSha256}};
  }
  return j;
}

json objectJson(const AuditObject& o) {
  json j{{"ParticipantObjectTypeCode", o.typeCode},
         {"ParticipantObjectTypeCodeRole", o.typeCodeRole},
         {"ParticipantObjectIDTypeCode", o.idTypeCode},
         {"ParticipantObjectID", o.id}};
  if (!o.name.empty()) j["ParticipantObjectName"] = o.name;
  if (!o.detail.empty()) j["ParticipantObjectDetail"] = o.detail;
  return j;
}

json eventJson(const AuditEvent& e, const std::string& time) {
  if (e.eventId.empty()) {
    throw Error(ErrorCode::InvalidArgument, "audit event: EventID is required");
  }
  if (std::string("CRUDE").find(e.action) == std::string::npos) {
    throw Error(
        ErrorCode::InvalidArgument,
        std::string("audit event: EventActionCode must be C, R, U, D or E, got ") + e.action);
  }
  if (e.outcome != 0 && e.outcome != 4 && e.outcome != 8 && e.outcome != 12) {
    throw Error(ErrorCode::InvalidArgument, "audit event: EventOutcomeIndicator must be 0/4/8/12");
  }
  if (e.participants.empty()) {
    throw Error(ErrorCode::InvalidArgument, "audit event: an ActiveParticipant is required");
  }
  json j;
  j["EventIdentification"] = {
      {"EventID", {{"code", e.eventId}, {"codeSystemName", "DCM"}, {"displayName", e.eventName}}},
      {"EventActionCode", std::string(1, e.action)},
      {"EventDateTime", time},
      {"EventOutcomeIndicator", e.outcome}};
  if (!e.outcomeDescription.empty()) {
    j["EventIdentification"]["EventOutcomeDescription"] = e.outcomeDescription;
  }
  if (!e.eventType.empty()) j["EventIdentification"]["EventTypeCode"] = e.eventType;
  j["ActiveParticipant"] = json::array();
  for (const auto& p : e.participants) j["ActiveParticipant"].push_back(participantJson(p));
  j["AuditSourceIdentification"] = {
      {"AuditSourceID", e.sourceId.empty() ? "medsight@" + hostName() : e.sourceId},
      {"AuditSourceTypeCode", 4}};  // 4 = application server process (RFC 3881)
  j["ParticipantObjectIdentification"] = json::array();
  for (const auto& o : e.objects) j["ParticipantObjectIdentification"].push_back(objectJson(o));
  return j;
}

/// What the anchor says against the last stored record: {kind, detail} when they disagree.
/// An anchor one record behind is the crash window between writing a record and its anchor,
/// not tampering.
std::optional<std::pair<std::string, std::string>> anchorDisagreement(const std::string& anchorText,
                                                                      std::uint64_t lastSeq,
                                                                      const std::string& lastHash) {
  try {
    const json anchor = json::parse(anchorText);
    const auto anchorSeq = anchor.at("seq").get<std::uint64_t>();
    if (anchorSeq > lastSeq) {
      return std::make_pair(std::string("truncated"), "records seq " + std::to_string(lastSeq + 1) +
                                                          ".." + std::to_string(anchorSeq) +
                                                          " were removed from the end");
    }
    if (anchorSeq == lastSeq && anchor.at("hash").get<std::string>() != lastHash) {
      return std::make_pair(std::string("edited"),
                            std::string("last record differs from the one the anchor names"));
    }
  } catch (const json::exception&) {
    return std::make_pair(std::string("malformed"), std::string("audit anchor is unreadable"));
  }
  return std::nullopt;
}

/// Why no record may follow the stored last one (`lastSeq` 0 and the genesis hash when there is
/// none) under the stored anchor: appending would write a new anchor over the only trace of
/// records cut from the end, or of the anchor's own removal.
std::optional<std::string> appendRefusal(std::uint64_t lastSeq, const std::string& lastHash,
                                         const std::optional<std::string>& anchorText) {
  if (!anchorText) {
    if (lastSeq == 0) return std::nullopt;
    return std::string("the audit anchor is missing, so records may have been cut from the end");
  }
  if (const auto problem = anchorDisagreement(*anchorText, lastSeq, lastHash)) {
    return problem->second;
  }
  return std::nullopt;
}

/// The refusal of an append, with what to do.
Error appendRefused(const std::string& location, const std::string& why) {
  return Error(ErrorCode::IntegrityViolation,
               location + ": " + why +
                   "; not appended, so that this stays visible: run `medsight audit verify` and "
                   "start a new log");
}

}  // namespace

AuditLog::AuditLog(std::unique_ptr<AuditSink> sink, std::optional<KeyFile> key)
    : sink_(std::move(sink)) {
  SodiumRuntime::ensure();
  if (key) key_ = key->derive("audit");
}

AuditLog AuditLog::openFile(const std::filesystem::path& path, std::optional<KeyFile> key) {
  return AuditLog(std::make_unique<FileAuditSink>(path), std::move(key));
}

std::string AuditLog::chainHash(const std::string& previousHash, const std::string& body) const {
  const std::string input = previousHash + "\n" + body;
  unsigned char digest[32];
  if (key_) {
    crypto_auth_hmacsha256(digest, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size(), key_->data());
  } else {
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  }
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::uint64_t AuditLog::record(const AuditEvent& event) {
  const json body = eventJson(event, nowUtc());  // validate before touching the sink
  std::uint64_t seq = 0;
  sink_->append([&](const std::string& last, const std::optional<std::string>& anchorText) {
    std::string previousHash = kGenesis;
    seq = 1;
    if (!last.empty()) {
      try {
        const json previous = json::parse(last);
        previousHash = previous.at("hash").get<std::string>();
        seq = previous.at("seq").get<std::uint64_t>() + 1;
      } catch (const json::exception&) {
        throw Error(ErrorCode::IntegrityViolation,
                    sink_->location() +
                        ": last audit record is malformed; run `medsight audit "
                        "verify` before appending");
      }
    }
    if (const auto why = appendRefusal(seq - 1, previousHash, anchorText)) {
      throw appendRefused(sink_->location(), *why);
    }
    json record{{"seq", seq}, {"prev", previousHash}, {"event", body}};
    const std::string canonical = record.dump();
    record["hash"] = chainHash(previousHash, canonical);
    json anchor{{"seq", seq}, {"hash", record["hash"]}};
    return std::make_pair(record.dump(), anchor.dump());
  });
  return seq;
}

void AuditLog::requireAppendable() const {
  std::vector<std::string> lines;
  try {
    lines = sink_->records();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::FileNotFound) throw;  // a log not yet written; its anchor tells
  }
  const auto anchorText = sink_->anchor();
  if (lines.empty()) {
    if (const auto why = appendRefusal(0, kGenesis, anchorText)) {
      throw appendRefused(sink_->location(), *why);
    }
    if (const std::string concern = sink_->emptyStateConcern(); !anchorText && !concern.empty()) {
      throw appendRefused(sink_->location(), concern);
    }
    return;
  }
  json previous;
  try {
    previous = json::parse(lines.back());
    previous.at("hash").get<std::string>();
    previous.at("seq").get<std::uint64_t>();
    previous.at("prev").get<std::string>();
  } catch (const json::exception&) {
    throw Error(ErrorCode::IntegrityViolation,
                sink_->location() +
                    ": last audit record is malformed (is this an audit log?); run `medsight "
                    "audit verify` before appending");
  }
  // A record chained under another key (or none) would break the chain for good: under either
  // key, one part of the log would read as edited.
  json body = previous;
  body.erase("hash");
  if (chainHash(previous["prev"].get<std::string>(), body.dump()) !=
      previous["hash"].get<std::string>()) {
    throw Error(
        ErrorCode::IntegrityViolation,
        sink_->location() + ": the last audit record does not match its hash " +
            (key_ ? std::string("under the given key") : std::string("without a key")) +
            ": the log was written " +
            (key_ ? std::string("with another key or without one") : std::string("with a key")) +
            ", or edited; give the log's own key (`medsight audit verify LOG --key "
            "KEY` tells) or start a new log");
  }
  if (const auto why = appendRefusal(previous["seq"].get<std::uint64_t>(),
                                     previous["hash"].get<std::string>(), anchorText)) {
    throw appendRefused(sink_->location(), *why);
  }
}

AuditVerification AuditLog::verify() const {
  AuditVerification result;
  const auto lines = sink_->records();
  result.records = lines.size();
  std::set<std::uint64_t> present;
  for (const auto& text : lines) {
    try {
      present.insert(json::parse(text).at("seq").get<std::uint64_t>());
    } catch (const json::exception&) {
    }
  }
  std::string previousHash = kGenesis;
  std::uint64_t expectedSeq = 1;
  std::uint64_t lastSeq = 0;
  std::string lastHash = kGenesis;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t line = i + 1;
    json record;
    try {
      record = json::parse(lines[i]);
      record.at("seq").get<std::uint64_t>();
      record.at("prev").get<std::string>();
      record.at("hash").get<std::string>();
      record.at("event");
    } catch (const json::exception& e) {
      result.problems.push_back(
          {line, "malformed", "not a valid audit record: " + std::string(e.what())});
      continue;
    }
    const auto seq = record["seq"].get<std::uint64_t>();
    const auto prev = record["prev"].get<std::string>();
    const auto hash = record["hash"].get<std::string>();
    json body = record;
    body.erase("hash");
    if (chainHash(prev, body.dump()) != hash) {
      result.problems.push_back(
          {line, "edited",
           "record seq " + std::to_string(seq) + ": content does not match its hash"});
    }
    if (seq > expectedSeq) {
      bool laterInFile = true;  // missing here but present further down: moved, not deleted
      for (std::uint64_t s = expectedSeq; s < seq && laterInFile; ++s)
        laterInFile = present.count(s) != 0;
      if (laterInFile) {
        result.problems.push_back({line, "reordered",
                                   "record seq " + std::to_string(seq) + " comes before seq " +
                                       std::to_string(expectedSeq)});
      } else {
        result.problems.push_back({line, "removed",
                                   "records seq " + std::to_string(expectedSeq) + ".." +
                                       std::to_string(seq - 1) + " are missing before this line"});
      }
    } else if (seq < expectedSeq) {
      result.problems.push_back({line, "reordered",
                                 "record seq " + std::to_string(seq) + " appears after seq " +
                                     std::to_string(expectedSeq - 1)});
    } else if (prev != previousHash) {
      result.problems.push_back(
          {line, "reordered",
           "record seq " + std::to_string(seq) + " does not chain to the record before it"});
    }
    previousHash = hash;
    expectedSeq = std::max(expectedSeq, seq + 1);
    lastSeq = seq;
    lastHash = hash;
  }
  const auto anchorText = sink_->anchor();
  if (anchorText) {
    if (const auto problem = anchorDisagreement(*anchorText, lastSeq, lastHash)) {
      const std::size_t line = problem->first == "truncated" ? lines.size() + 1
                               : problem->first == "edited"  ? lines.size()
                                                             : 0;
      result.problems.push_back({line, problem->first, problem->second});
    }
  } else if (!lines.empty()) {
    result.problems.push_back({0, "truncated", "audit anchor is missing"});
  } else if (const std::string concern = sink_->emptyStateConcern(); !concern.empty()) {
    result.problems.push_back({0, "truncated", concern});
  }
  return result;
}

}  // namespace medsight
