#include "server/DicomReceiver.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scppool.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/Error.h"

namespace medsight {
namespace {

// DIMSE status codes of the Storage Service Class (PS3.4 Table B.2-1).
constexpr Uint16 kStatusSuccess = 0x0000;
constexpr Uint16 kStatusOutOfResources = 0xA700;
constexpr Uint16 kStatusDataSetMismatch = 0xA900;
constexpr Uint16 kStatusCannotUnderstand = 0xC000;

struct ReceiverContext {
  const ServerConfig* config = nullptr;
  IngestService* ingest = nullptr;
  ServerMetrics* metrics = nullptr;
};

/// One association's thread (DCMTK's pool hands each accepted association to a worker).
class ReceiverWorker : public DcmBaseSCPPool::DcmBaseSCPWorker, private DcmThreadSCP {
 public:
  ReceiverWorker(DcmBaseSCPPool& pool, const ReceiverContext& context)
      : DcmBaseSCPPool::DcmBaseSCPWorker(pool), context_(context) {}
  OFCondition setSharedConfig(const DcmSharedSCPConfig& config) override {
    return DcmThreadSCP::setSharedConfig(config);
  }
  OFBool busy() override { return DcmThreadSCP::isConnected(); }

 protected:
  OFCondition workerListen(T_ASC_Association* const assoc) override {
    return DcmThreadSCP::run(assoc);
  }

 private:
  OFBool checkCalledAETitleAccepted(const OFString& calledAE) override {
    const bool ok = calledAE == context_.config->aeTitle.c_str();
    if (!ok) {
      ++context_.metrics->associationsRejected;
      spdlog::warn("dicom: refused association for called AE '{}' (this is '{}')", calledAE.c_str(),
                   context_.config->aeTitle);
    }
    return ok;
  }
  OFBool checkCallingAETitleAccepted(const OFString& callingAE) override {
    const auto& peers = context_.config->allowedPeers;
    if (peers.empty()) return OFTrue;
    const std::string ip = getPeerIP().c_str();
    for (const auto& peer : peers) {
      if (peer.aeTitle == callingAE.c_str() && (peer.host.empty() || peer.host == ip))
        return OFTrue;
    }
    ++context_.metrics->associationsRejected;
    spdlog::warn("dicom: refused association from '{}' at {}: not an allowed peer",
                 callingAE.c_str(), ip);
    return OFFalse;
  }
  void notifyAssociationAcknowledge() override { ++context_.metrics->associationsAccepted; }

  OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                    const DcmPresentationContextInfo& info) override {
    if (message->CommandField != DIMSE_C_STORE_RQ) {
      return DcmThreadSCP::handleIncomingCommand(message, info);  // C-ECHO and refusals
    }
    T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
    DcmDataset* received = nullptr;
    const OFCondition cond = receiveSTORERequest(request, info.presentationContextID, received);
    std::unique_ptr<DcmDataset> guard(received);
    if (cond.bad()) return cond;  // the association itself failed; DCMTK aborts it
    const std::string source =
        std::string("dicom:") + getPeerAETitle().c_str() + "@" + getPeerIP().c_str();
    const std::string name =
        "C-STORE " + std::string(request.AffectedSOPInstanceUID) + " from " + source;
    Uint16 status = kStatusSuccess;
    try {
      const DicomObject object = DicomObject::fromDataset(guard.release(), name);
      if (object.summary.sopInstanceUid != request.AffectedSOPInstanceUID ||
          object.summary.sopClassUid != request.AffectedSOPClassUID) {
        status = kStatusDataSetMismatch;
        ++context_.metrics->instancesRejected;
        spdlog::warn("dicom: {}: dataset UIDs ({}, {}) differ from the command's", name,
                     object.summary.sopClassUid, object.summary.sopInstanceUid);
      } else {
        context_.ingest->ingest(object, source);
      }
    } catch (const Error& e) {
      const bool inputFault = e.code() == ErrorCode::InvalidArgument ||
                              e.code() == ErrorCode::CorruptData || e.code() == ErrorCode::Conflict;
      status = inputFault ? kStatusCannotUnderstand : kStatusOutOfResources;
      ++context_.metrics->instancesRejected;
      spdlog::warn("dicom: refused: {}", e.what());
    } catch (const std::exception& e) {
      status = kStatusOutOfResources;
      ++context_.metrics->instancesRejected;
      spdlog::error("dicom: failed {}: {}", name, e.what());
    }
    return sendSTOREResponse(info.presentationContextID, request, status);
  }

  ReceiverContext context_;
};

}  // namespace

/// The DCMTK pool: accepts associations and gives each to a ReceiverWorker thread.
class DicomReceiver::Pool : public DcmBaseSCPPool {
 public:
  explicit Pool(const ReceiverContext& context) : context_(context) {}

 protected:
  // DCMTK's pool owns and deletes its workers; this is the factory it calls.
  DcmBaseSCPWorker* createSCPWorker() override { return new ReceiverWorker(*this, context_); }

 private:
  ReceiverContext context_;
};

DicomReceiver::DicomReceiver(const ServerConfig& config, IngestService& ingest,
                             ServerMetrics& metrics)
    : port_(config.dicomPort) {
  // Nagle's algorithm against delayed ACKs costs ~80 ms per C-STORE on loopback (field notes);
  // DCMTK disables it for sockets it creates when TCP_NODELAY is set.
  setenv("TCP_NODELAY", "1", 0);
  ReceiverContext context{&config, &ingest, &metrics};
  pool_ = std::make_unique<Pool>(context);
  DcmSCPConfig& cfg = pool_->getConfig();
  cfg.setAETitle(config.aeTitle.c_str());
  cfg.setPort(static_cast<Uint16>(config.dicomPort));
  cfg.setConnectionBlockingMode(DUL_NOBLOCK);
  cfg.setConnectionTimeout(1);  // the accept loop wakes up every second to see stop()
  cfg.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  cfg.setDIMSETimeout(60);
  cfg.setACSETimeout(30);
  cfg.setHostLookupEnabled(OFFalse);
  pool_->setMaxThreads(static_cast<Uint16>(std::max(1, config.maxAssociations)));
  OFList<OFString> syntaxes;
  for (const char* ts :
       {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
        UID_BigEndianExplicitTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
        UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax,
        UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess14TransferSyntax,
        UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax,
        UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax,
        UID_RLELosslessTransferSyntax}) {
    syntaxes.push_back(ts);
  }
  cfg.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) {
    cfg.addPresentationContext(dcmAllStorageSOPClassUIDs[i], syntaxes);
  }
}

DicomReceiver::~DicomReceiver() {
  stop();
}

void DicomReceiver::start() {
  const OFCondition opened = pool_->getConfig().getPort() ? EC_Normal : EC_IllegalParameter;
  if (opened.bad()) throw Error(ErrorCode::InvalidConfiguration, "--dicom-port: 0");
  // Probe the port first so a busy port is an error at start, not a log line in a thread.
  {
    T_ASC_Network* network = nullptr;
    const OFCondition probe = ASC_initializeNetwork(NET_ACCEPTOR, port_, 1, &network);
    if (probe.bad()) {
      throw Error(ErrorCode::NetworkError,
                  "DICOM port " + std::to_string(port_) + ": cannot listen (" + probe.text() + ")");
    }
    ASC_dropNetwork(&network);
  }
  listener_ = std::thread([this] {
    const OFCondition result = pool_->listen();
    if (result.bad()) spdlog::error("dicom: receiver stopped: {}", result.text());
  });
  spdlog::info("dicom: {} listening on port {}", pool_->getConfig().getAETitle().c_str(), port_);
}

void DicomReceiver::stop() {
  if (!listener_.joinable()) return;
  pool_->stopAfterCurrentAssociations();
  listener_.join();
}

}  // namespace medsight
