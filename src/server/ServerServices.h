#pragma once

#include "privacy/AuditLog.h"
#include "privacy/KeyFile.h"
#include "server/IngestService.h"
#include "server/ServerConfig.h"
#include "server/ServerMetrics.h"
#include "store/Database.h"
#include "store/FindingStore.h"
#include "store/InstanceFileStore.h"
#include "store/JobQueue.h"
#include "store/StudyStore.h"
#include "store/UserStore.h"

namespace medsight {

class FindingExtractor;

/// \brief The services REST routes use (all owned by MedSightServer, which outlives them).
struct ServerServices {
  const ServerConfig* config = nullptr;
  Database* database = nullptr;
  StudyStore* studies = nullptr;
  JobQueue* jobs = nullptr;
  FindingStore* findings = nullptr;
  UserStore* users = nullptr;
  InstanceFileStore* files = nullptr;
  IngestService* ingest = nullptr;
  AuditLog* audit = nullptr;
  ServerMetrics* metrics = nullptr;
  /// \brief Keyed pseudonyms for researchers' views (the key's "pseudonym" sub-key).
  const KeyFile* key = nullptr;
  /// \brief Clinical text extraction for AI–doctor comparison (null = not loaded).
  const FindingExtractor* extractor = nullptr;
  bool dicomReceiverRunning = false;
};

}  // namespace medsight
