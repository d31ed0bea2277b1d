#pragma once

#include <memory>
#include <thread>

#include "server/IngestService.h"
#include "server/ServerConfig.h"
#include "server/ServerMetrics.h"

namespace medsight {

/// \brief The DICOM Storage and Verification SCP (PS3.4 Annex B and A.4, DCMTK dcmnet): accepts
/// associations addressed to its AE title from allowed peers, up to `maxAssociations` at once
/// (one thread each), and acknowledges each C-STORE only after IngestService has the file
/// fsynced and the row committed. Malformed objects get a failure status (0xC000 "cannot
/// understand", 0xA900 "does not match SOP class") with nothing stored; the receiver stays up.
class DicomReceiver {
 public:
  /// \brief A receiver on `config.dicomPort` (must outlive nothing: stop() joins everything).
  DicomReceiver(const ServerConfig& config, IngestService& ingest, ServerMetrics& metrics);
  ~DicomReceiver();
  DicomReceiver(const DicomReceiver&) = delete;
  DicomReceiver& operator=(const DicomReceiver&) = delete;

  /// \brief Opens the port and starts accepting; throws NetworkError if it cannot listen.
  void start();
  /// \brief Stops accepting, lets running associations finish, joins the threads.
  void stop();

 private:
  class Pool;
  std::unique_ptr<Pool> pool_;
  std::thread listener_;
  int port_;
};

}  // namespace medsight
