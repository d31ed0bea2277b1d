#include "segmentation/ReferencedSeries.h"

#include <cmath>

#include "core/Error.h"
#include "io/DicomSeriesReader.h"

namespace medsight {

ReferencedSeries ReferencedSeries::read(const std::filesystem::path& folder,
                                        const std::string& seriesUid) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw Error(ErrorCode::FileNotFound, folder.string() + ": DICOM series folder not found");
  }
  const auto scan = DicomSeriesScanner::scan(folder);
  const DicomSeriesInfo* chosen = nullptr;
  for (const auto& s : scan.series) {
    if (!seriesUid.empty() && s.seriesInstanceUid != seriesUid) continue;
    if (!chosen || s.instances.size() > chosen->instances.size()) chosen = &s;
  }
  if (!chosen) {
    throw Error(ErrorCode::NotFound,
                folder.string() + ": no image series" +
                    (seriesUid.empty() ? std::string() : " with UID " + seriesUid));
  }
  if (!chosen->notAVolume.empty() || chosen->timePoints != 1) {
    throw Error(ErrorCode::InvalidArgument, folder.string() + ": series " +
                                                chosen->seriesInstanceUid +
                                                " is not a plain volume: " + chosen->notAVolume);
  }
  for (const auto& h : chosen->instances) {
    if (h.frames != 1) {
      throw Error(ErrorCode::InvalidArgument,
                  folder.string() + ": multi-frame instances are not supported as a reference");
    }
  }
  ReferencedSeries r;
  r.series = *chosen;
  r.image = DicomSeriesReader::read(r.series);
  return r;
}

void ReferencedSeries::requireGrid(const Image& mask, const std::string& context) const {
  if (!mask.sameGrid(image, 1e-3)) {
    throw Error(ErrorCode::GeometryMismatch,
                context + ": the mask is not on the grid of series " + series.seriesInstanceUid +
                    " (" + std::to_string(image.size().x) + "x" + std::to_string(image.size().y) +
                    "x" + std::to_string(image.size().z) + "); resample it onto that series first");
  }
  // Slice k of the volume must be instance k of the sorted series.
  for (std::size_t k = 0; k < series.instances.size(); ++k) {
    const auto& pos = series.instances[k].imagePosition;
    if (!pos) continue;
    const auto p = image.geometry().indexToPhysical({0, 0, static_cast<double>(k)});
    double d = 0;
    for (int a = 0; a < 3; ++a) d = std::max(d, std::abs(p[a] - (*pos)[a]));
    if (d > 0.1 * image.geometry().spacing[2] + 1e-3) {
      throw Error(ErrorCode::InconsistentSeries,
                  context + ": slice " + std::to_string(k) + " does not match instance " +
                      series.instances[k].sopInstanceUid + " of the series");
    }
  }
}

}  // namespace medsight
