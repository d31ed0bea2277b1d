#include "io/NpyArray.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {
namespace {

// The .npy format (numpy/lib/format.py, NEP 1): magic "\x93NUMPY", major, minor, header length
// (uint16 LE in 1.0, uint32 LE in 2.0/3.0), then an ASCII/UTF-8 Python dict literal padded with
// spaces and a newline; data follows.
constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t kMaxHeaderBytes = 1 << 20;
constexpr std::size_t kMaxDimensions = 16;

/// Minimal parser for the header dict: keys 'descr' (string), 'fortran_order' (True/False) and
/// 'shape' (tuple of ints). Anything else is an error: the header is written by numpy, not users.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::size_t>& shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      const std::string key = parseString();
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        fortran = parseBool();
        haveFortran = true;
      } else if (key == "shape") {
        shape = parseShape();
        haveShape = true;
      } else {
        fail("unknown header key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') ++pos_;
    }
    if (!haveDescr || !haveFortran || !haveShape)
      fail("header lacks descr, fortran_order or shape");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::CorruptData, name_ + ": .npy header: " + what);
  }
  char peek() const {
    if (pos_ >= s_.size()) fail("unexpected end");
    return s_[pos_];
  }
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parseString() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a string");
    ++pos_;
    const auto end = s_.find(quote, pos_);
    if (end == std::string_view::npos || end - pos_ > 64) fail("unterminated or long string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  bool parseBool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("fortran_order is not True or False");
  }
  std::vector<std::size_t> parseShape() {
    std::vector<std::size_t> shape;
    expect('(');
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos_;
        break;
      }
      std::size_t v = 0;
      bool any = false;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        const std::size_t digit = static_cast<std::size_t>(s_[pos_] - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("shape overflows");
        v = v * 10 + digit;
        ++pos_;
        any = true;
      }
      if (!any) fail("shape entry is not a non-negative integer");
      shape.push_back(v);
      if (shape.size() > kMaxDimensions) fail("too many dimensions");
      skipSpace();
      if (peek() == ',') ++pos_;
    }
    return shape;
  }

  std::string_view s_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

template <class T>
T loadElement(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

std::size_t NpyArray::elementCount() const {
  std::size_t n = 1;
  for (auto d : shape_) n *= d;
  return n;
}

NpyArray NpyArray::parseHeader(std::span<const std::byte> head, const std::string& name,
                               std::size_t* dataOffset) {
  if (head.size() < 10 || std::memcmp(head.data(), kMagic, 6) != 0) {
    throw Error(ErrorCode::CorruptData, name + ": not a .npy array (bad magic)");
  }
  const auto major = static_cast<unsigned>(head[6]);
  std::size_t headerLen = 0, prefix = 0;
  if (major == 1) {
    headerLen = static_cast<std::size_t>(head[8]) | (static_cast<std::size_t>(head[9]) << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    if (head.size() < 12) throw Error(ErrorCode::CorruptData, name + ": truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i) headerLen |= static_cast<std::size_t>(head[8 + i]) << (8 * i);
    prefix = 12;
  } else {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": .npy format version " + std::to_string(major) + " is not supported");
  }
  if (headerLen > kMaxHeaderBytes || prefix + headerLen > head.size()) {
    throw Error(ErrorCode::CorruptData, name + ": .npy header is truncated or too long");
  }
  const std::string_view text(reinterpret_cast<const char*>(head.data() + prefix), headerLen);
  NpyArray a;
  HeaderParser(text, name).parse(a.descr_, a.fortranOrder_, a.shape_);

  if (a.descr_.size() < 3)
    throw Error(ErrorCode::UnsupportedFormat, name + ": dtype '" + a.descr_ + "'");
  const char order = a.descr_[0];
  a.kind_ = a.descr_[1];
  const std::string sizeText = a.descr_.substr(2);
  if (sizeText.empty() || sizeText.size() > 2 ||
      !std::all_of(sizeText.begin(), sizeText.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw Error(ErrorCode::UnsupportedFormat, name + ": dtype '" + a.descr_ + "' is not supported");
  }
  a.itemSize_ = static_cast<std::size_t>(std::stoi(sizeText));
  const bool validKind =
      ((a.kind_ == 'u' || a.kind_ == 'i') &&
       (a.itemSize_ == 1 || a.itemSize_ == 2 || a.itemSize_ == 4 || a.itemSize_ == 8)) ||
      (a.kind_ == 'f' && (a.itemSize_ == 4 || a.itemSize_ == 8)) ||
      (a.kind_ == 'b' && a.itemSize_ == 1);
  if (!validKind || (order != '<' && order != '>' && order != '|' && order != '=')) {
    throw Error(ErrorCode::UnsupportedFormat, name + ": dtype '" + a.descr_ + "' is not supported");
  }
  a.bigEndian_ = order == '>';
  std::vector<std::uint64_t> extents(a.shape_.begin(), a.shape_.end());
  // Check the product against the budget without allocating (each axis and the total).
  std::uint64_t total = a.itemSize_;
  for (auto e : extents) {
    if (e != 0 && total > std::numeric_limits<std::uint64_t>::max() / e) {
      throw Error(ErrorCode::TooLarge, name + ": array size overflows 64 bits");
    }
    total *= e;
  }
  if (total > MemoryBudget::maxImageBytes()) {
    throw Error(ErrorCode::TooLarge, name + ": array needs " + std::to_string(total) +
                                         " bytes, over the memory budget of " +
                                         std::to_string(MemoryBudget::maxImageBytes()));
  }
  *dataOffset = prefix + headerLen;
  return a;
}

void NpyArray::adoptData(std::span<const std::byte> raw, const std::string& name) {
  const std::size_t expected = expectedDataBytes();
  if (raw.size() < expected) {
    throw Error(ErrorCode::CorruptData, name + ": array data truncated (" +
                                            std::to_string(raw.size()) + " of " +
                                            std::to_string(expected) + " bytes)");
  }
  // Every byte is written below: no zero-initialisation pass over a possibly large buffer.
  auto array = std::make_shared_for_overwrite<std::byte[]>(expected);
  std::shared_ptr<std::byte> data(array, array.get());
  if (!fortranOrder_ || shape_.size() < 2) {
    std::memcpy(data.get(), raw.data(), expected);
  } else {
    // Fortran order: first axis fastest. Walk C-order output indices and gather.
    const std::size_t nd = shape_.size();
    std::vector<std::size_t> fStride(nd, 1);
    for (std::size_t d = 1; d < nd; ++d) fStride[d] = fStride[d - 1] * shape_[d - 1];
    std::vector<std::size_t> idx(nd, 0);
    const std::size_t n = elementCount();
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t src = 0;
      for (std::size_t d = 0; d < nd; ++d) src += idx[d] * fStride[d];
      std::memcpy(data.get() + i * itemSize_, raw.data() + src * itemSize_, itemSize_);
      for (std::size_t d = nd; d-- > 0;) {
        if (++idx[d] < shape_[d]) break;
        idx[d] = 0;
      }
    }
    fortranOrder_ = false;
  }
  if (bigEndian_ && itemSize_ > 1 && std::endian::native == std::endian::little) {
    for (std::size_t i = 0; i < expected; i += itemSize_) {
      std::reverse(data.get() + i, data.get() + i + itemSize_);
    }
    bigEndian_ = false;
  }
  data_ = std::move(data);
  bytes_ = expected;
}

NpyArray NpyArray::parse(std::span<const std::byte> npy, const std::string& name) {
  std::size_t offset = 0;
  NpyArray a = parseHeader(npy, name, &offset);
  a.adoptData(npy.subspan(offset), name);
  return a;
}

double NpyArray::valueAt(std::size_t i) const {
  if (i >= elementCount()) throw Error(ErrorCode::InvalidArgument, "npy: index out of range");
  const std::byte* p = data_.get() + i * itemSize_;
  if (kind_ == 'f') return itemSize_ == 4 ? loadElement<float>(p) : loadElement<double>(p);
  if (kind_ == 'b') return loadElement<std::uint8_t>(p) != 0 ? 1.0 : 0.0;
  if (kind_ == 'u') {
    switch (itemSize_) {
      case 1:
        return loadElement<std::uint8_t>(p);
      case 2:
        return loadElement<std::uint16_t>(p);
      case 4:
        return loadElement<std::uint32_t>(p);
      default:
        return static_cast<double>(loadElement<std::uint64_t>(p));
    }
  }
  switch (itemSize_) {
    case 1:
      return loadElement<std::int8_t>(p);
    case 2:
      return loadElement<std::int16_t>(p);
    case 4:
      return loadElement<std::int32_t>(p);
    default:
      return static_cast<double>(loadElement<std::int64_t>(p));
  }
}

std::vector<std::int64_t> NpyArray::asInt64() const {
  // 64-bit integers are taken exactly (a double holds only 53 bits); everything else goes through
  // double and must be an integer inside the int64 range, since casting a double outside it is
  // undefined behaviour (found by fuzz/NpzReaderFuzzer with '<u8' and '<f8' arrays).
  constexpr double kTwoTo63 = 9223372036854775808.0;
  std::vector<std::int64_t> out(elementCount());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::byte* p = data_.get() + i * itemSize_;
    if (itemSize_ == 8 && kind_ == 'i') {
      out[i] = loadElement<std::int64_t>(p);
      continue;
    }
    if (itemSize_ == 8 && kind_ == 'u') {
      const auto u = loadElement<std::uint64_t>(p);
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw Error(ErrorCode::CorruptData, "npy: element " + std::to_string(i) + " = " +
                                                std::to_string(u) + " is out of the label range");
      }
      out[i] = static_cast<std::int64_t>(u);
      continue;
    }
    const double v = valueAt(i);
    if (!std::isfinite(v) || std::floor(v) != v || v < -kTwoTo63 || v >= kTwoTo63) {
      throw Error(ErrorCode::CorruptData, "npy: element " + std::to_string(i) + " = " +
                                              std::to_string(v) + " is not an integer label");
    }
    out[i] = static_cast<std::int64_t>(v);
  }
  return out;
}

PixelType NpyArray::pixelType() const {
  if (kind_ == 'u' && itemSize_ == 1) return PixelType::UInt8;
  if (kind_ == 'i' && itemSize_ == 1) return PixelType::Int8;
  if (kind_ == 'u' && itemSize_ == 2) return PixelType::UInt16;
  if (kind_ == 'i' && itemSize_ == 2) return PixelType::Int16;
  if (kind_ == 'u' && itemSize_ == 4) return PixelType::UInt32;
  if (kind_ == 'i' && itemSize_ == 4) return PixelType::Int32;
  if (kind_ == 'f' && itemSize_ == 4) return PixelType::Float32;
  if (kind_ == 'f' && itemSize_ == 8) return PixelType::Float64;
  throw Error(ErrorCode::UnsupportedFormat, "npy dtype '" + descr_ + "' has no image pixel type");
}

std::size_t NpyArray::imageCount() const {
  if (shape_.size() < 3 || shape_.size() > 4) {
    throw Error(ErrorCode::UnsupportedFormat,
                "npy array of " + std::to_string(shape_.size()) +
                    " dimensions is not an image stack ((N,H,W), (N,H,W,C) or (N,D,H,W))");
  }
  return shape_[0];
}

Image NpyArray::image(std::size_t index) const {
  const std::size_t n = imageCount();
  if (index >= n) {
    throw Error(ErrorCode::InvalidArgument, "npy: image " + std::to_string(index) +
                                                " out of range (" + std::to_string(n) + ")");
  }
  ImageSize size;
  int spatial = 2, components = 1;
  if (shape_.size() == 3) {
    size = {shape_[2], shape_[1], 1, 1};
  } else if (shape_[3] == 1 || shape_[3] == 3 || shape_[3] == 4) {
    // (N,H,W,C): a trailing axis of 1, 3 or 4 is read as channels (MedMNIST RGB sets).
    size = {shape_[2], shape_[1], 1, 1};
    components = static_cast<int>(shape_[3]);
  } else {
    size = {shape_[3], shape_[2], shape_[1], 1};
    spatial = 3;
  }
  Image out(pixelType(), size, spatial, components);
  const std::size_t perImage = out.byteSize();
  std::memcpy(out.bytes().data(), data_.get() + index * perImage, perImage);
  return out;
}

}  // namespace medsight
