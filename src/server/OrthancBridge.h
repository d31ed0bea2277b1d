#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/DicomObject.h"
#include "server/ServerConfig.h"
#include "server/ServerMetrics.h"
#include "store/FindingStore.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief The bridge to an Orthanc PACS: follows Orthanc's change log (REST `/changes`) and,
/// for every new `StableStudy`, asks Orthanc to C-STORE the study to MedSight
/// (`POST /modalities/<medsight>/store`); results (DICOM SR and heatmap images) go back to
/// Orthanc by C-STORE into the same study. Orthanc needs MedSight in its "DicomModalities"
/// (see docs/orthanc.md).
class OrthancBridge {
 public:
  /// \brief A bridge for `settings` (must outlive it).
  OrthancBridge(const OrthancSettings& settings, const std::string& medsightAeTitle,
                FindingStore& findings, ServerMetrics& metrics);
  ~OrthancBridge();
  OrthancBridge(const OrthancBridge&) = delete;
  OrthancBridge& operator=(const OrthancBridge&) = delete;

  /// \brief Starts following changes made from now on; throws Unavailable when Orthanc does
  /// not answer.
  void start();
  /// \brief Stops the poll thread.
  void stop();
  /// \brief Sends result objects of `study` back to Orthanc (C-STORE); throws NetworkError.
  void sendResults(const StudyRecord& study, const std::vector<DicomObject>& objects);
  /// \brief Runs one poll of the change log (tests); returns studies forwarded.
  int pollOnce();

 private:
  std::string get(const std::string& path);
  std::string post(const std::string& path, const std::string& body);

  OrthancSettings settings_;
  std::string medsightAeTitle_;
  FindingStore& findings_;
  ServerMetrics& metrics_;
  std::int64_t since_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace medsight
