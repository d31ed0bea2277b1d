#include "server/DemoDataLoader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/DatasetLocator.h"
#include "core/Error.h"
#include "io/ImageFileReader.h"
#include "models/LabeledImageSet.h"
#include "server/IngestService.h"
#include "server/SampleStudyWriter.h"

namespace medsight {
namespace fs = std::filesystem;

std::size_t DemoDataLoader::load(IngestService& ingest) {
  std::size_t stored = 0;
  auto store = [&](const std::vector<std::string>& parts, const std::string& name) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (ingest.ingest(DicomObject::parse(parts[i], name + " #" + std::to_string(i + 1)), "demo")
              .stored)
        ++stored;
    }
  };
  if (const auto npz = DatasetLocator::find("pneumoniamnist/pneumoniamnist.npz")) {
    const auto val = LabeledImageSet::fromNpz(*npz, "val");
    int perLabel[2] = {0, 0};
    for (std::size_t i = 0; i < val.images.size() && perLabel[0] + perLabel[1] < 6; ++i) {
      const int label = val.labels[i];
      if (perLabel[label] >= 3) continue;
      ++perLabel[label];
      SampleStudySpec spec;
      spec.patientId = "CXR-" + std::to_string(i);
      spec.patientName = "Chest^Sample" + std::to_string(i);
      spec.modality = "CR";
      spec.bodyPart = "CHEST";
      spec.description = "Chest X-ray (PneumoniaMNIST val #" + std::to_string(i) + ")";
      spec.accessionNumber = "A" + std::to_string(1000 + i);
      store(SampleStudyWriter::write({val.images[i]}, spec), spec.description);
    }
  } else {
    spdlog::warn("demo: pneumoniamnist not found ({})", DatasetLocator::searchedPlaces());
  }
  if (const auto brain = DatasetLocator::find("brain-mri/images")) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(*brain)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<fs::path> chosen;
    for (const char* prefix : {"yes_", "no_"}) {
      int taken = 0;
      for (const auto& f : files) {
        if (taken < 2 && f.filename().string().rfind(prefix, 0) == 0) {
          chosen.push_back(f);
          ++taken;
        }
      }
    }
    int n = 0;
    for (const auto& path : chosen) {
      const std::string file = path.filename().string();
      SampleStudySpec spec;
      spec.patientId = "MRB-" + std::to_string(++n);
      spec.patientName = "Brain^Sample" + std::to_string(n);
      spec.modality = "MR";
      spec.bodyPart = "HEAD";
      spec.description = std::string("Brain MR slice (") + file + ")";
      store(SampleStudyWriter::write({ImageFileReader::read(path)}, spec), spec.description);
    }
  }
  if (const auto sts = DatasetLocator::find("sts/dicom/STS_001")) {
    for (const auto& entry : fs::recursive_directory_iterator(*sts)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      try {
        if (ingest.ingest(DicomObject::parse(bytes.str(), entry.path().string()), "demo").stored)
          ++stored;
      } catch (const Error& e) {
        spdlog::warn("demo: skipped {}: {}", entry.path().string(), e.what());
      }
    }
  }
  return stored;
}

}  // namespace medsight
