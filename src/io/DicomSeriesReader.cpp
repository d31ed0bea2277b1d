#include "io/DicomSeriesReader.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "core/ParallelFor.h"
#include "io/DicomFileReader.h"

namespace medsight {

void DicomSeriesReader::refuseMissingSlices(const DicomSeriesInfo& series,
                                            const std::string& note) {
  if (series.missingSlices.empty()) return;
  std::size_t count = 0;
  for (const auto& m : series.missingSlices) count += m.count;
  throw Error(ErrorCode::InconsistentSeries,
              "series " + series.seriesInstanceUid + ": " +
                  series.missingSlices.front().description +
                  (series.missingSlices.size() > 1
                       ? " and " + std::to_string(series.missingSlices.size() - 1) +
                             " more gap(s), " + std::to_string(count) + " slice(s) in all"
                       : "") +
                  "; stacking the slices present would put every slice beyond a gap where it was "
                  "not acquired" +
                  note +
                  ". Give the complete series, or convert it with `medsight convert "
                  "--interpolate-missing-slices` (each missing slice interpolated from its "
                  "neighbours)");
}

Image DicomSeriesReader::read(const DicomSeriesInfo& series, int threads,
                              bool interpolateMissingSlices) {
  const std::string where = "series " + series.seriesInstanceUid;
  if (!series.notAVolume.empty()) throw Error(ErrorCode::InconsistentSeries, series.notAVolume);
  if (series.instances.empty()) throw Error(ErrorCode::EmptyInput, where + ": no image instances");
  if (!interpolateMissingSlices) refuseMissingSlices(series, "");
  const DicomHeader& first = series.instances.front();
  const std::size_t present = series.positions;
  const std::size_t frames = series.timePoints;
  if (present * frames != series.instances.size()) {
    throw Error(ErrorCode::Internal, where + ": instance count does not match positions x time");
  }
  // Output slice of each sorted position, with the missing ones between them.
  std::vector<std::size_t> outputSlice(present);
  std::size_t slices = 0;
  {
    auto gap = series.missingSlices.begin();
    for (std::size_t p = 0; p < present; ++p) {
      outputSlice[p] = slices++;
      if (gap != series.missingSlices.end() && gap->after == p) slices += (gap++)->count;
    }
  }
  if (first.frames > 1 && series.instances.size() > 1) {
    throw Error(ErrorCode::InconsistentSeries,
                where + ": several multi-frame instances cannot be stacked; read each file");
  }
  if (series.instances.size() == 1) return DicomFileReader::read(first.path);

  MemoryBudget::checkedBytes(
      where, 4,
      {static_cast<std::uint64_t>(first.columns), static_cast<std::uint64_t>(first.rows), slices,
       frames, static_cast<std::uint64_t>(first.samplesPerPixel)});
  std::vector<Image> decoded(series.instances.size());
  parallelFor(series.instances.size(), threads, [&](std::size_t i) {
    decoded[i] = DicomFileReader::read(series.instances[i].path);
    const Image& s = decoded[i];
    if (s.size().x != static_cast<std::size_t>(first.columns) ||
        s.size().y != static_cast<std::size_t>(first.rows) || s.size().z != 1 || s.size().t != 1) {
      throw Error(ErrorCode::InconsistentSeries,
                  where + ": " + series.instances[i].path + " has a different matrix size");
    }
  });
  // One pixel type for the volume: shared if every slice agrees (e.g. int16 HU), else float32
  // (slices with different rescale slopes, as in PET).
  PixelType type = decoded.front().pixelType();
  const int components = decoded.front().components();
  for (const auto& s : decoded) {
    if (s.components() != components) {
      throw Error(ErrorCode::InconsistentSeries, where + ": slices differ in samples per pixel");
    }
    if (s.pixelType() != type) type = PixelType::Float32;
  }
  ImageGeometry geometry = decoded.front().geometry();
  geometry.spacing[2] = series.sliceSpacing;
  geometry.origin = first.imagePosition.value_or(geometry.origin);
  // The third axis follows the sorting direction (the slice normal).
  for (int r = 0; r < 3; ++r) geometry.direction[r * 3 + 2] = series.normal[r];
  if (frames > 1 && first.frameTime) geometry.frameInterval = *first.frameTime / 1000.0;

  const ImageSize size{static_cast<std::size_t>(first.columns),
                       static_cast<std::size_t>(first.rows), slices, frames};
  Image volume(type, size, 3, components, geometry);
  const std::size_t sliceBytes =
      size.x * size.y * static_cast<std::size_t>(components) * bytesPerSample(type);
  for (std::size_t p = 0; p < present; ++p) {
    for (std::size_t t = 0; t < frames; ++t) {
      const Image& s = decoded[p * frames + t];
      const Image converted = s.pixelType() == type ? Image() : s.castTo(type);
      const Image& src = s.pixelType() == type ? s : converted;
      std::memcpy(volume.bytes().data() + (t * slices + outputSlice[p]) * sliceBytes,
                  src.bytes().data(), sliceBytes);
    }
  }
  // Missing slices: linear in position between the two acquired neighbours of the gap.
  for (const auto& gap : series.missingSlices) {
    const std::size_t below = outputSlice[gap.after], above = outputSlice[gap.after + 1];
    for (std::size_t z = below + 1; z < above; ++z) {
      const double w = static_cast<double>(z - below) / static_cast<double>(above - below);
      for (std::size_t t = 0; t < frames; ++t)
        for (std::size_t y = 0; y < size.y; ++y)
          for (std::size_t x = 0; x < size.x; ++x)
            for (int c = 0; c < components; ++c) {
              volume.setValueAt((1 - w) * volume.valueAt(x, y, below, t, c) +
                                    w * volume.valueAt(x, y, above, t, c),
                                x, y, z, t, c);
            }
    }
  }
  volume.setModality(decoded.front().modality());
  volume.metadata() = decoded.front().metadata();
  auto& meta = volume.metadata();
  meta.erase("SOPInstanceUID");
  meta.erase("InstanceNumber");
  meta.erase("ImagePositionPatient");
  meta["NumberOfSlices"] = std::to_string(slices);
  if (frames > 1) meta["NumberOfTimePoints"] = std::to_string(frames);
  meta["GantryTiltDegrees"] = std::to_string(series.gantryTiltDegrees);
  meta["source.format"] = "DICOM series";
  std::string warnings;
  for (const auto& w : series.warnings) warnings += (warnings.empty() ? "" : "\n") + w;
  for (const auto& m : series.missingSlices) {
    warnings += (warnings.empty() ? "" : "\n") + where + ": interpolated " +
                std::to_string(m.count) + " missing slice(s) from their neighbours (" +
                m.description + ")";
  }
  if (!warnings.empty()) meta["series.warnings"] = warnings;
  return volume;
}

Image DicomSeriesReader::readFolder(const std::filesystem::path& folder,
                                    const std::string& seriesUid, int threads,
                                    bool interpolateMissingSlices) {
  const DicomScanResult scan = DicomSeriesScanner::scan(folder, true, threads);
  const DicomSeriesInfo* chosen = nullptr;
  for (const auto& s : scan.series) {
    if (!seriesUid.empty()) {
      if (s.seriesInstanceUid == seriesUid) {
        chosen = &s;
        break;
      }
    } else if (chosen == nullptr || s.instances.size() > chosen->instances.size()) {
      chosen = &s;
    }
  }
  if (chosen == nullptr) {
    std::string why =
        seriesUid.empty() ? "no DICOM image series" : "no series with UID " + seriesUid;
    if (!scan.failures.empty()) {
      why += "; " + std::to_string(scan.failures.size()) +
             " file(s) failed, first: " + scan.failures.front().first + ": " +
             scan.failures.front().second;
    }
    throw Error(scan.failures.empty() ? ErrorCode::EmptyInput : ErrorCode::CorruptData,
                folder.string() + ": " + why);
  }
  if (!interpolateMissingSlices && !scan.failures.empty()) {
    refuseMissingSlices(*chosen, "; " + std::to_string(scan.failures.size()) + " file(s) in " +
                                     folder.string() + " could not be read, first " +
                                     scan.failures.front().first + ": " +
                                     scan.failures.front().second);
  }
  return read(*chosen, threads, interpolateMissingSlices);
}

}  // namespace medsight
