#pragma once

#include <cstddef>

namespace medsight {

class IngestService;

/// \brief Fills a fresh server with sample studies from the shared datasets so a new user can
/// click through: chest radiographs from the PneumoniaMNIST validation split (both labels),
/// brain MR slices (tumour and none), and the real CT/MR/PET DICOM of soft-tissue-sarcoma
/// patient STS_001 (which no shipped model reads: it shows the "not analysed" path).
class DemoDataLoader {
 public:
  /// \brief Ingests the samples it finds; returns instances stored (0 when the datasets are
  /// absent, with a warning).
  static std::size_t load(IngestService& ingest);
};

}  // namespace medsight
