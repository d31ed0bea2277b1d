#include "core/MemoryBudget.h"

#include <atomic>
#include <cctype>
#include <limits>

#include "core/Error.h"
#include "core/NumberText.h"

namespace medsight {
namespace {

std::atomic<std::uint64_t> gMaxImageBytes{4ULL << 30};
std::atomic<std::uint64_t> gMaxAxisLength{65536};

}  // namespace

std::uint64_t MemoryBudget::maxImageBytes() {
  return gMaxImageBytes.load();
}
std::uint64_t MemoryBudget::maxAxisLength() {
  return gMaxAxisLength.load();
}
void MemoryBudget::setMaxImageBytes(std::uint64_t bytes) {
  gMaxImageBytes.store(bytes);
}
void MemoryBudget::setMaxAxisLength(std::uint64_t length) {
  gMaxAxisLength.store(length);
}

std::uint64_t MemoryBudget::parseSize(const std::string& text) {
  if (text.empty()) throw Error(ErrorCode::InvalidArgument, "empty memory size");
  std::size_t pos = 0;
  std::uint64_t value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[pos] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      throw Error(ErrorCode::InvalidArgument, "memory size '" + text + "' is too large");
    }
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == 0) throw Error(ErrorCode::InvalidArgument, "memory size '" + text + "' has no number");
  int shift = 0;
  if (pos < text.size()) {
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos])));
    if (unit == 'K')
      shift = 10;
    else if (unit == 'M')
      shift = 20;
    else if (unit == 'G')
      shift = 30;
    else if (unit == 'T')
      shift = 40;
    else
      throw Error(ErrorCode::InvalidArgument, "memory size '" + text + "' has unknown unit");
    ++pos;
    if (pos < text.size() && (text[pos] == 'B' || text[pos] == 'b')) ++pos;
  }
  if (pos != text.size()) {
    throw Error(ErrorCode::InvalidArgument, "memory size '" + text + "' has trailing characters");
  }
  if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    throw Error(ErrorCode::InvalidArgument, "memory size '" + text + "' is too large");
  }
  return value << shift;
}

std::uint64_t MemoryBudget::checkedExtent(const std::string& context, double extent) {
  if (!(extent <= static_cast<double>(maxAxisLength()))) {
    throw Error(ErrorCode::TooLarge, context + ": extent " + NumberText::significant(extent) +
                                         " exceeds the axis limit of " +
                                         std::to_string(maxAxisLength()));
  }
  return static_cast<std::uint64_t>(extent);
}

std::uint64_t MemoryBudget::checkedBytes(const std::string& context, std::uint64_t sampleBytes,
                                         std::initializer_list<std::uint64_t> extents) {
  std::uint64_t total = sampleBytes;
  for (std::uint64_t e : extents) {
    if (e > maxAxisLength()) {
      throw Error(ErrorCode::TooLarge, context + ": extent " + std::to_string(e) +
                                           " exceeds the axis limit of " +
                                           std::to_string(maxAxisLength()));
    }
    if (e != 0 && total > std::numeric_limits<std::uint64_t>::max() / e) {
      throw Error(ErrorCode::TooLarge, context + ": size overflows 64 bits");
    }
    total *= e;
  }
  if (total > maxImageBytes()) {
    throw Error(ErrorCode::TooLarge, context + ": needs " + std::to_string(total) +
                                         " bytes, over the memory budget of " +
                                         std::to_string(maxImageBytes()) + " bytes");
  }
  return total;
}

}  // namespace medsight
