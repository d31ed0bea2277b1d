// libFuzzer target: DICOM files as `medsight info` and `medsight convert` read them. Covers the
// header reader used by the series scanner, series grouping/sorting/spacing checks, the pixel
// pipeline (every transfer syntax DCMTK/GDCM decode) and display rendering.
#include <cstddef>
#include <cstdint>

#include "FuzzInputFile.h"
#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesScanner.h"
#include "io/DisplayRenderer.h"

namespace {

medsight::fuzz::FuzzInputFile& inputFile() {
  static medsight::fuzz::FuzzInputFile file(".dcm");
  return file;
}

/// Builds a three-slice series from one header: the copies are shifted along the slice normal by
/// offsets taken from the header itself, so sorting, duplicate, gap and tilt checks all run.
void analyseSeries(const medsight::DicomHeader& header) {
  std::vector<medsight::DicomHeader> slices(3, header);
  const auto normal = header.sliceNormal();
  const double step = header.sliceThickness.value_or(1.0);
  for (std::size_t i = 0; i < slices.size(); ++i) {
    if (!slices[i].imagePosition) continue;
    const double shift = (i == 2 ? 2.5 : static_cast<double>(i)) * step;
    for (int a = 0; a < 3; ++a) (*slices[i].imagePosition)[a] += shift * normal[a];
    slices[i].instanceNumber = header.instanceNumber + static_cast<int>(i);
  }
  medsight::DicomSeriesScanner::analyse(std::move(slices));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A configured budget well under libFuzzer's RSS limit: hostile sizes must be refused with
  // TooLarge, while DCMTK may still hold a few buffers of the allowed size at once.
  medsight::MemoryBudget::setMaxImageBytes(64ULL << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = inputFile().write(data, size);
  try {
    // The series scanner's path: sniff, header only, group and sort.
    const medsight::DicomScanResult scan = medsight::DicomSeriesScanner::scan(path, false, 1);
    for (const auto& series : scan.series) analyseSeries(series.instances.front());
  } catch (const medsight::Error&) {
  }
  try {
    const medsight::Image image = medsight::DicomFileReader::read(path);
    image.minMax();
    if (image.size().x * image.size().y <= (1u << 20)) {
      medsight::DisplayRenderer::render(image, std::nullopt, image.size().z / 2, 0);
    }
  } catch (const medsight::Error&) {
  }
  return 0;
}
