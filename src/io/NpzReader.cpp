#include "io/NpzReader.h"

#include <libdeflate.h>
#include <zip.h>

#include <fstream>
#include <memory>
#include <vector>

#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {

struct NpzReader::Archive {
  zip_t* zip = nullptr;
  ~Archive() {
    if (zip != nullptr) zip_discard(zip);
  }
};

namespace {

constexpr std::size_t kHeaderProbe = 4096;

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

/// Reads up to `want` bytes; stops early at the entry's end. Never reads more than `want`, so a
/// deflate bomb cannot make us inflate more than the size the .npy header justified.
std::size_t readSome(zip_file_t* f, std::byte* out, std::size_t want, const std::string& name) {
  std::size_t done = 0;
  while (done < want) {
    const zip_int64_t n = zip_fread(f, out + done, want - done);
    if (n < 0) {
      throw Error(ErrorCode::CorruptData,
                  name + ": cannot decompress: " + zip_error_strerror(zip_file_get_error(f)));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

/// A deflated entry decoded in one call with libdeflate (about twice as fast as zlib's inflate,
/// with a faster CRC-32): raw compressed bytes in, exactly the size the zip directory declares
/// out. That size is held to the memory budget first, and a stream that would inflate past it is
/// refused, so a deflate bomb cannot grow the output.
std::unique_ptr<std::byte[]> inflateEntry(zip_t* zip, zip_uint64_t index, const zip_stat_t& st,
                                          const std::string& where) {
  MemoryBudget::checkedBytes(where, st.size, {});
  MemoryBudget::checkedBytes(where, st.comp_size, {});
  std::unique_ptr<zip_file_t, ZipFileCloser> raw(zip_fopen_index(zip, index, ZIP_FL_COMPRESSED));
  if (!raw) {
    throw Error(ErrorCode::CorruptData, where + ": cannot open entry: " + zip_strerror(zip));
  }
  // Buffers are filled completely below, so they skip zero-initialisation.
  const auto packed = std::make_unique_for_overwrite<std::byte[]>(st.comp_size);
  if (readSome(raw.get(), packed.get(), st.comp_size, where) != st.comp_size) {
    throw Error(ErrorCode::CorruptData, where + ": compressed data truncated");
  }
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!decompressor) throw Error(ErrorCode::Internal, where + ": cannot create a decompressor");
  auto plain = std::make_unique_for_overwrite<std::byte[]>(st.size);
  std::size_t produced = 0;
  const libdeflate_result result = libdeflate_deflate_decompress(
      decompressor.get(), packed.get(), st.comp_size, plain.get(), st.size, &produced);
  if (result != LIBDEFLATE_SUCCESS || produced != st.size) {
    throw Error(ErrorCode::CorruptData,
                where + ": deflate stream is damaged or does not inflate to the declared " +
                    std::to_string(st.size) + " bytes");
  }
  if (libdeflate_crc32(0, plain.get(), st.size) != st.crc) {
    throw Error(ErrorCode::CorruptData, where + ": CRC-32 mismatch");
  }
  return plain;
}

}  // namespace

NpzReader::NpzReader(const std::filesystem::path& path)
    : archive_(std::make_unique<Archive>()), path_(path.string()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path_ + ": no such file");
  }
  int err = 0;
  archive_->zip = zip_open(path_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (archive_->zip == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, err);
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(ErrorCode::CorruptData, path_ + ": not a readable .npz (zip) archive: " + text);
  }
}

NpzReader::~NpzReader() = default;
NpzReader::NpzReader(NpzReader&&) noexcept = default;
NpzReader& NpzReader::operator=(NpzReader&&) noexcept = default;

std::vector<std::string> NpzReader::arrayNames() const {
  std::vector<std::string> names;
  const zip_int64_t n = zip_get_num_entries(archive_->zip, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* entry = zip_get_name(archive_->zip, static_cast<zip_uint64_t>(i), 0);
    if (entry == nullptr) continue;
    std::string s(entry);
    if (s.size() > 4 && s.ends_with(".npy")) names.push_back(s.substr(0, s.size() - 4));
  }
  return names;
}

bool NpzReader::contains(const std::string& name) const {
  return zip_name_locate(archive_->zip, (name + ".npy").c_str(), 0) >= 0;
}

NpyArray NpzReader::read(const std::string& name) const {
  const std::string entry = name + ".npy";
  const std::string where = path_ + ":" + entry;
  const zip_int64_t index = zip_name_locate(archive_->zip, entry.c_str(), 0);
  if (index < 0) {
    std::string available;
    for (const auto& n : arrayNames()) available += (available.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::NotFound,
                path_ + ": no array '" + name + "' (arrays: " + available + ")");
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive_->zip, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    throw Error(ErrorCode::CorruptData, where + ": cannot stat entry");
  }
  if (st.encryption_method != ZIP_EM_NONE) {
    throw Error(ErrorCode::UnsupportedFormat, where + ": encrypted entries are not supported");
  }
  constexpr zip_uint64_t kDeflateStat =
      ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC;
  if ((st.valid & kDeflateStat) == kDeflateStat && st.comp_method == ZIP_CM_DEFLATE) {
    const auto plain = inflateEntry(archive_->zip, static_cast<zip_uint64_t>(index), st, where);
    const std::span<const std::byte> bytes(plain.get(), st.size);
    std::size_t dataOffset = 0;
    NpyArray array = NpyArray::parseHeader(bytes, where, &dataOffset);
    array.adoptData(bytes.subspan(dataOffset), where);
    return array;
  }
  // Stored entries (and any other method libzip decodes) are streamed: header first, then
  // exactly the bytes its shape needs.
  std::unique_ptr<zip_file_t, ZipFileCloser> file(
      zip_fopen_index(archive_->zip, static_cast<zip_uint64_t>(index), 0));
  if (!file) {
    throw Error(ErrorCode::UnsupportedFormat,
                where + ": cannot open entry: " + zip_strerror(archive_->zip));
  }
  // Header first: its shape tells how many bytes to expect, checked against the budget.
  std::vector<std::byte> head(kHeaderProbe);
  head.resize(readSome(file.get(), head.data(), head.size(), where));
  std::size_t dataOffset = 0;
  NpyArray array = NpyArray::parseHeader(head, where, &dataOffset);
  const std::size_t expected = array.expectedDataBytes();
  MemoryBudget::checkedBytes(where, expected, {});
  if ((st.valid & ZIP_STAT_SIZE) && st.size < dataOffset + expected) {
    throw Error(ErrorCode::CorruptData, where + ": entry is " + std::to_string(st.size) +
                                            " bytes, the header needs " +
                                            std::to_string(dataOffset + expected));
  }
  std::vector<std::byte> data(expected);
  const std::size_t fromHead = std::min(expected, head.size() - dataOffset);
  std::copy(head.begin() + static_cast<std::ptrdiff_t>(dataOffset),
            head.begin() + static_cast<std::ptrdiff_t>(dataOffset + fromHead), data.begin());
  const std::size_t rest = readSome(file.get(), data.data() + fromHead, expected - fromHead, where);
  if (fromHead + rest != expected) {
    throw Error(ErrorCode::CorruptData, where + ": array data truncated (" +
                                            std::to_string(fromHead + rest) + " of " +
                                            std::to_string(expected) + " bytes)");
  }
  array.adoptData(data, where);
  return array;
}

NpyArray NpzReader::readNpy(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::FileNotFound, path.string() + ": " + ec.message());
  MemoryBudget::checkedBytes(path.string(), size, {});
  std::ifstream in(path, std::ios::binary);
  std::vector<std::byte> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) throw Error(ErrorCode::FileUnreadable, path.string() + ": read failed");
  return NpyArray::parse(bytes, path.string());
}

}  // namespace medsight
