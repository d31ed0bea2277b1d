// libFuzzer target: NumPy `.npz` archives (zip, stored or deflated entries) and standalone `.npy`
// files, read as `medsight info` and `medsight convert` do: list arrays, read each, take images.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "FuzzInputFile.h"
#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "io/NpzReader.h"

namespace {

void useArray(const medsight::NpyArray& array) {
  if (array.elementCount() > 0 && array.elementCount() <= (1u << 16)) array.valueAt(0);
  try {
    const std::size_t n = array.imageCount();
    if (n > 0) {
      array.image(0).minMax();
      array.image(n - 1);
    }
  } catch (const medsight::Error&) {
  }
  try {
    if (array.shape().size() <= 2) array.asInt64();
  } catch (const medsight::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  medsight::MemoryBudget::setMaxImageBytes(64ULL << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static medsight::fuzz::FuzzInputFile npz(".npz");
  static medsight::fuzz::FuzzInputFile npy(".npy");
  const bool isNpy = size >= 6 && std::memcmp(data, "\x93NUMPY", 6) == 0;
  try {
    if (isNpy) {
      useArray(medsight::NpzReader::readNpy(npy.write(data, size)));
    } else {
      const medsight::NpzReader reader(npz.write(data, size));
      for (const auto& name : reader.arrayNames()) {
        try {
          useArray(reader.read(name));
        } catch (const medsight::Error&) {
        }
      }
    }
  } catch (const medsight::Error&) {
  }
  return 0;
}
