#include "io/NpzWriter.h"

#include <zip.h>

#include <cstring>
#include <memory>

#include "core/AtomicFile.h"
#include "core/Error.h"

namespace medsight {

NpzWriter::NpzWriter(std::filesystem::path path, bool compress)
    : path_(std::move(path)), compress_(compress) {}

std::vector<std::byte> NpzWriter::encodeNpy(const std::string& descr,
                                            const std::vector<std::size_t>& shape,
                                            std::span<const std::byte> bytes, bool fortranOrder) {
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  // The header (magic + version + length + dict + padding + '\n') is padded to 64 bytes.
  const bool v2 = dict.size() + 11 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  std::size_t total = prefix + dict.size() + 1;
  const std::size_t padding = (64 - total % 64) % 64;
  dict += std::string(padding, ' ');
  dict += '\n';
  std::vector<std::byte> out(prefix + dict.size() + bytes.size());
  const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  std::memcpy(out.data(), magic, 6);
  out[6] = std::byte{static_cast<unsigned char>(v2 ? 2 : 1)};
  out[7] = std::byte{0};
  const std::size_t len = dict.size();
  for (std::size_t i = 0; i < prefix - 8; ++i) {
    out[8 + i] = std::byte{static_cast<unsigned char>((len >> (8 * i)) & 0xff)};
  }
  std::memcpy(out.data() + prefix, dict.data(), dict.size());
  if (!bytes.empty()) std::memcpy(out.data() + prefix + dict.size(), bytes.data(), bytes.size());
  return out;
}

void NpzWriter::add(const std::string& name, const std::string& descr,
                    const std::vector<std::size_t>& shape, std::span<const std::byte> bytes) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  const std::size_t item =
      descr.size() >= 3 ? static_cast<std::size_t>(std::stoi(descr.substr(2))) : 0;
  if (item == 0 || n * item != bytes.size()) {
    throw Error(ErrorCode::InvalidArgument, "npz array '" + name +
                                                "': " + std::to_string(bytes.size()) +
                                                " bytes do not match shape and dtype " + descr);
  }
  entries_.push_back({name, encodeNpy(descr, shape, bytes)});
}

void NpzWriter::addFloat32(const std::string& name, const std::vector<std::size_t>& shape,
                           std::span<const float> values) {
  add(name, "<f4", shape, std::as_bytes(values));
}

void NpzWriter::addInt64(const std::string& name, const std::vector<std::size_t>& shape,
                         std::span<const std::int64_t> values) {
  add(name, "<i8", shape, std::as_bytes(values));
}

void NpzWriter::close() {
  AtomicFile::writeWith(path_, [&](const std::filesystem::path& tmp) {
    int err = 0;
    zip_t* zip = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
    if (zip == nullptr) {
      throw Error(ErrorCode::FileWriteFailed, path_.string() + ": cannot create zip archive");
    }
    for (const auto& e : entries_) {
      zip_source_t* src = zip_source_buffer(zip, e.npy.data(), e.npy.size(), 0);
      const zip_int64_t index =
          src ? zip_file_add(zip, (e.name + ".npy").c_str(), src, ZIP_FL_OVERWRITE) : -1;
      if (index < 0) {
        if (src) zip_source_free(src);
        zip_discard(zip);
        throw Error(ErrorCode::FileWriteFailed, path_.string() + ": cannot add " + e.name);
      }
      zip_set_file_compression(zip, static_cast<zip_uint64_t>(index),
                               compress_ ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    if (zip_close(zip) != 0) {
      const std::string why = zip_strerror(zip);
      zip_discard(zip);
      throw Error(ErrorCode::FileWriteFailed, path_.string() + ": " + why);
    }
  });
}

}  // namespace medsight
