#include "server/UploadReader.h"

#include <zip.h>

#include <memory>

#include "core/Error.h"

namespace medsight {
namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct EntryCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

bool isZip(std::string_view body) {
  return body.size() >= 4 && body.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

bool looksLikeDicom(const std::string& bytes) {
  return bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0;
}

}  // namespace

UploadReader::Contents UploadReader::read(std::string_view body, const std::string& name,
                                          std::int64_t maxBytes) {
  Contents out;
  if (body.empty()) throw Error(ErrorCode::EmptyInput, name + ": empty body");
  if (!isZip(body)) {
    out.objects.push_back(DicomObject::parse(body, name));
    return out;
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(body.data(), body.size(), 0, &error);
  if (!source) throw Error(ErrorCode::Internal, name + ": " + zip_error_strerror(&error));
  std::unique_ptr<zip_t, ArchiveCloser> archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(ErrorCode::CorruptData,
                name + ": not a readable zip archive (" + why + "); truncated upload?");
  }
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::int64_t total = 0;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    const std::string entry = stat.name ? stat.name : "#" + std::to_string(i);
    if (!entry.empty() && entry.back() == '/') continue;  // folder
    total += static_cast<std::int64_t>(stat.size);
    if (total > maxBytes) {
      throw Error(ErrorCode::TooLarge,
                  name + ": unpacks to more than " + std::to_string(maxBytes) + " bytes");
    }
    std::unique_ptr<zip_file_t, EntryCloser> file(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file)
      throw Error(ErrorCode::CorruptData,
                  name + "/" + entry + ": cannot open: " + zip_strerror(archive.get()));
    std::string bytes(static_cast<std::size_t>(stat.size), '\0');
    zip_int64_t got = 0;
    while (got < static_cast<zip_int64_t>(bytes.size())) {
      const zip_int64_t n =
          zip_fread(file.get(), bytes.data() + got, bytes.size() - static_cast<std::size_t>(got));
      if (n <= 0) break;
      got += n;
    }
    if (got != static_cast<zip_int64_t>(bytes.size())) {
      throw Error(ErrorCode::CorruptData,
                  name + "/" + entry + ": truncated or damaged entry (CRC or size mismatch)");
    }
    if (!looksLikeDicom(bytes)) {
      // Archives carry README files, thumbnails, DICOMDIR-less folders: skip what is not DICOM,
      // but a file that claims to be DICOM and is broken fails the upload.
      out.skipped.push_back(entry + ": not a DICOM Part 10 file");
      continue;
    }
    out.objects.push_back(DicomObject::parse(bytes, name + "/" + entry));
  }
  if (out.objects.empty()) throw Error(ErrorCode::EmptyInput, name + ": no DICOM object inside");
  return out;
}

}  // namespace medsight
