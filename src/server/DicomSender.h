#pragma once

#include <string>
#include <vector>

namespace medsight {

/// \brief Where to send DICOM objects.
struct DicomDestination {
  std::string aeTitle;
  std::string host = "127.0.0.1";
  int port = 104;
  /// \brief MedSight's own (calling) AE title.
  std::string callingAeTitle = "MEDSIGHT";
};

/// \brief A DICOM Storage SCU (DCMTK DcmSCU): sends Part 10 objects in one association,
/// proposing each object's SOP class with its own transfer syntax and the uncompressed ones.
class DicomSender {
 public:
  /// \brief Sends every object; throws NetworkError naming the peer when the association
  /// fails or any C-STORE is not acknowledged with success (or warning) status.
  static void send(const DicomDestination& destination, const std::vector<std::string>& part10);
  /// \brief C-ECHO; throws NetworkError when the peer does not answer success.
  static void echo(const DicomDestination& destination);
};

}  // namespace medsight
