#include "server/OrthancBridge.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "server/DicomSender.h"

namespace medsight {
namespace {

/// Splits "http://host:port" for cpp-httplib.
httplib::Client client(const OrthancSettings& s) {
  httplib::Client c(s.url);
  c.set_connection_timeout(5, 0);
  c.set_read_timeout(300, 0);  // a synchronous store of a large study takes a while
  if (!s.username.empty()) c.set_basic_auth(s.username, s.password);
  return c;
}

}  // namespace

OrthancBridge::OrthancBridge(const OrthancSettings& settings, const std::string& medsightAeTitle,
                             FindingStore& findings, ServerMetrics& metrics)
    : settings_(settings),
      medsightAeTitle_(medsightAeTitle),
      findings_(findings),
      metrics_(metrics) {}

OrthancBridge::~OrthancBridge() {
  stop();
}

std::string OrthancBridge::get(const std::string& path) {
  auto c = client(settings_);
  const auto res = c.Get(path);
  if (!res)
    throw Error(ErrorCode::Unavailable, "Orthanc " + settings_.url + path + ": no answer (" +
                                            httplib::to_string(res.error()) + ")");
  if (res->status != 200)
    throw Error(ErrorCode::NetworkError,
                "Orthanc " + settings_.url + path + ": HTTP " + std::to_string(res->status));
  return res->body;
}

std::string OrthancBridge::post(const std::string& path, const std::string& body) {
  auto c = client(settings_);
  const auto res = c.Post(path, body, "application/json");
  if (!res)
    throw Error(ErrorCode::Unavailable, "Orthanc " + settings_.url + path + ": no answer (" +
                                            httplib::to_string(res.error()) + ")");
  if (res->status != 200) {
    throw Error(ErrorCode::NetworkError, "Orthanc " + settings_.url + path + ": HTTP " +
                                             std::to_string(res->status) + " " + res->body);
  }
  return res->body;
}

void OrthancBridge::start() {
  // Follow changes from now on: studies already in Orthanc are not re-sent on every start.
  const auto last = nlohmann::json::parse(get("/changes?last"), nullptr, false);
  since_ = last.is_object() ? last.value("Last", std::int64_t{0}) : 0;
  stopping_ = false;
  thread_ = std::thread([this] {
    while (!stopping_) {
      try {
        pollOnce();
      } catch (const std::exception& e) {
        spdlog::warn("orthanc: {}", e.what());
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock,
                     std::chrono::milliseconds(static_cast<int>(settings_.pollSeconds * 1000)),
                     [this] { return stopping_.load(); });
    }
  });
  spdlog::info("orthanc: following {} from change {}", settings_.url, since_);
}

void OrthancBridge::stop() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int OrthancBridge::pollOnce() {
  int forwarded = 0;
  for (;;) {
    const auto page = nlohmann::json::parse(
        get("/changes?since=" + std::to_string(since_) + "&limit=100"), nullptr, false);
    if (!page.is_object()) throw Error(ErrorCode::NetworkError, "Orthanc /changes: not JSON");
    for (const auto& change : page.value("Changes", nlohmann::json::array())) {
      if (change.value("ChangeType", "") != "StableStudy") continue;
      const std::string id = change.value("ID", "");
      // Orthanc sends the whole study; instances MedSight already has (including its own
      // results sent back earlier) are acknowledged as duplicates and change nothing.
      post("/modalities/" + settings_.medsightModality + "/store",
           nlohmann::json{{"Resources", {id}}, {"Synchronous", true}}.dump());
      ++forwarded;
      spdlog::info("orthanc: study {} forwarded to MedSight", id);
    }
    since_ = page.value("Last", since_);
    if (page.value("Done", true)) break;
  }
  return forwarded;
}

void OrthancBridge::sendResults(const StudyRecord& study, const std::vector<DicomObject>& objects) {
  std::vector<std::string> parts;
  for (const auto& o : objects) parts.push_back(o.part10);
  DicomSender::send({settings_.aeTitle, settings_.host, settings_.dicomPort, medsightAeTitle_},
                    parts);
  for (const auto& o : objects) {
    findings_.markSent(o.summary.sopInstanceUid, "orthanc:" + settings_.aeTitle);
    ++metrics_.resultsSent;
  }
  spdlog::info("orthanc: {} result object(s) of study {} sent back", objects.size(),
               study.studyUid);
}

}  // namespace medsight
