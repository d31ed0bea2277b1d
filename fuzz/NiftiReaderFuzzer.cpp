// libFuzzer target: NIfTI-1/NIfTI-2 files, plain or gzip-compressed, through NiftiReader (header
// checks, extension skipping, byte swapping, qform/sform to LPS geometry, scaling).
#include <cstddef>
#include <cstdint>

#include "FuzzInputFile.h"
#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "io/ImageFileReader.h"
#include "io/NiftiReader.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  medsight::MemoryBudget::setMaxImageBytes(64ULL << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static medsight::fuzz::FuzzInputFile file(".nii");
  const auto& path = file.write(data, size);
  try {
    medsight::detectImageFileFormat(path);
    const medsight::Image image = medsight::NiftiReader::read(path);
    image.minMax();
    image.geometry().orientationCode();
  } catch (const medsight::Error&) {
  }
  return 0;
}
