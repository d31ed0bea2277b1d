// Declared sizes that would need more memory than the budget are refused with TooLarge before
// anything of that size is allocated, in every reader; compressed data is never inflated past a
// size that was checked against the budget first. The files are written byte by byte here so
// each header field is the one under test (DICOM PS3.5 7.1.2 explicit VR little endian, NIfTI-1/2
// header layouts).
#include <gtest/gtest.h>
#include <zip.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesReader.h"
#include "io/DicomSeriesScanner.h"
#include "io/NiftiReader.h"
#include "io/NpzReader.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // little endian host (x86-64, arm64)
  out.append(bytes, sizeof(T));
}

/// One explicit VR little endian element; `value` is padded to even length.
void element(std::string& out, std::uint16_t group, std::uint16_t tag, const char* vr,
             std::string value) {
  if (value.size() % 2) value += (std::string(vr) == "UI" ? '\0' : ' ');
  put(out, group);
  put(out, tag);
  out.append(vr, 2);
  if (std::string(vr) == "OW" || std::string(vr) == "OB") {
    put<std::uint16_t>(out, 0);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(value.size()));
  } else {
    put<std::uint16_t>(out, static_cast<std::uint16_t>(value.size()));
  }
  out += value;
}

std::string us(std::uint16_t v) {
  std::string s;
  put(s, v);
  return s;
}

/// Preamble, "DICM" and a file meta group (PS3.10 7.1) for a Secondary Capture instance.
std::string part10Header(const std::string& instanceUid, const std::string& transferSyntax) {
  std::string meta;
  element(meta, 0x0002, 0x0001, "OB", std::string("\0\1", 2));
  element(meta, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7");
  element(meta, 0x0002, 0x0003, "UI", instanceUid);
  element(meta, 0x0002, 0x0010, "UI", transferSyntax);
  std::string file(128, '\0');
  file += "DICM";
  std::string length;
  put<std::uint32_t>(length, static_cast<std::uint32_t>(meta.size()));
  element(file, 0x0002, 0x0000, "UL", length);
  return file + meta;
}

/// A Part 10 secondary capture whose Rows, Columns and Number of Frames are as given, with
/// `pixelBytes` bytes of 16-bit pixel data.
std::filesystem::path writeDicom(const std::filesystem::path& path, std::uint16_t rows,
                                 std::uint16_t columns, const std::string& frames,
                                 std::size_t pixelBytes) {
  std::string file = part10Header("2.25.1234", "1.2.840.10008.1.2.1");
  element(file, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
  element(file, 0x0008, 0x0018, "UI", "2.25.1234");
  element(file, 0x0008, 0x0060, "CS", "OT");
  element(file, 0x0020, 0x000D, "UI", "2.25.1");
  element(file, 0x0020, 0x000E, "UI", "2.25.2");
  element(file, 0x0028, 0x0002, "US", us(1));
  element(file, 0x0028, 0x0004, "CS", "MONOCHROME2");
  element(file, 0x0028, 0x0008, "IS", frames);
  element(file, 0x0028, 0x0010, "US", us(rows));
  element(file, 0x0028, 0x0011, "US", us(columns));
  element(file, 0x0028, 0x0100, "US", us(16));
  element(file, 0x0028, 0x0101, "US", us(16));
  element(file, 0x0028, 0x0102, "US", us(15));
  element(file, 0x0028, 0x0103, "US", us(0));
  element(file, 0x7FE0, 0x0010, "OW", std::string(pixelBytes, '\x01'));
  std::ofstream(path, std::ios::binary) << file;
  return path;
}

/// A single-file NIfTI-1 (348-byte header) or NIfTI-2 (540-byte header) int16 image with the
/// given extents and `voxelBytes` bytes of data.
std::filesystem::path writeNifti(const std::filesystem::path& path, int version,
                                 std::vector<std::int64_t> dims, std::size_t voxelBytes) {
  std::string h(version == 1 ? 352 : 544, '\0');
  auto at = [&](std::size_t offset, auto value) { std::memcpy(&h[offset], &value, sizeof value); };
  if (version == 1) {
    at(0, std::int32_t{348});
    at(40, static_cast<std::int16_t>(dims.size()));
    for (std::size_t i = 0; i < dims.size(); ++i)
      at(42 + 2 * i, static_cast<std::int16_t>(dims[i]));
    at(70, std::int16_t{4});  // DT_INT16
    at(72, std::int16_t{16});
    for (int i = 0; i < 8; ++i) at(76 + 4 * i, 1.0f);
    at(108, 352.0f);
    std::memcpy(&h[344], "n+1\0", 4);
  } else {
    at(0, std::int32_t{540});
    std::memcpy(&h[4], "n+2\0\r\n\032\n", 8);
    at(12, std::int16_t{4});
    at(14, std::int16_t{16});
    at(16, static_cast<std::int64_t>(dims.size()));
    for (std::size_t i = 0; i < dims.size(); ++i) at(24 + 8 * i, dims[i]);
    for (int i = 0; i < 8; ++i) at(104 + 8 * i, 1.0);
    at(168, std::int64_t{544});
  }
  std::ofstream(path, std::ios::binary) << h << std::string(voxelBytes, '\0');
  return path;
}

using test::codeOf;

}  // namespace

TEST(HostileSizes, DicomRowsColumnsAndFramesBeyondTheBudgetAreTooLarge) {
  const auto dir = test::temporaryDirectory("hostile-dicom");
  // 65535 x 65535 x 2^31-1 frames of 16 bits: exabytes, with 8 bytes actually present.
  const auto huge = writeDicom(dir / "huge.dcm", 65535, 65535, "2147483647", 8);
  EXPECT_EQ(codeOf([&] { DicomFileReader::read(huge); }), ErrorCode::TooLarge);
  // One frame over the default 4 GiB budget (60000 x 60000 x 4 bytes after rescale).
  const auto wide = writeDicom(dir / "wide.dcm", 60000, 60000, "1", 8);
  EXPECT_EQ(codeOf([&] { DicomFileReader::read(wide); }), ErrorCode::TooLarge);
  // The header alone is still readable (the series scanner lists such files).
  EXPECT_EQ(DicomFileReader::readHeader(huge).rows, 65535);
  // Within the budget but with the pixel data missing: corrupt, not zero-filled.
  const auto shortData = writeDicom(dir / "short.dcm", 256, 256, "1", 8);
  EXPECT_EQ(codeOf([&] { DicomFileReader::read(shortData); }), ErrorCode::CorruptData);
  const auto fine = writeDicom(dir / "fine.dcm", 2, 2, "1", 8);
  EXPECT_EQ(DicomFileReader::read(fine).valueAt(1, 1), 257.0);
}

TEST(HostileSizes, DicomSeriesVolumeBeyondTheBudgetIsTooLarge) {
  const auto dir = test::temporaryDirectory("hostile-series");
  const std::uint64_t saved = MemoryBudget::maxImageBytes();
  MemoryBudget::setMaxImageBytes(1 << 20);
  // Each 512x512 slice (1 MiB as float) fits the budget alone; the 3-slice volume does not.
  for (int i = 0; i < 3; ++i) {
    writeDicom(dir / ("s" + std::to_string(i) + ".dcm"), 512, 512, "1", 512 * 512 * 2);
  }
  EXPECT_EQ(codeOf([&] { DicomSeriesReader::readFolder(dir, "", 1); }), ErrorCode::TooLarge);
  MemoryBudget::setMaxImageBytes(saved);
}

TEST(HostileSizes, DeflatedDicomBombIsTooLargeBeforeDcmtkInflatesIt) {
  // Deflated Explicit VR Little Endian (PS3.5 A.5) with a 64 MiB private OB element of zeros:
  // about 64 KiB on disk. DCMTK would inflate and hold all of it while parsing.
  std::string file = part10Header("2.25.99", "1.2.840.10008.1.2.1.99");
  std::string dataset;
  element(dataset, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
  element(dataset, 0x0008, 0x0018, "UI", "2.25.99");
  element(dataset, 0x0008, 0x0060, "CS", "OT");
  element(dataset, 0x0009, 0x0010, "LO", "MEDSIGHT TEST");
  element(dataset, 0x0009, 0x1000, "OB", std::string(64u << 20, '\0'));
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string packed(deflateBound(&zs, dataset.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(dataset.data());
  zs.avail_in = static_cast<uInt>(dataset.size());
  zs.next_out = reinterpret_cast<Bytef*>(packed.data());
  zs.avail_out = static_cast<uInt>(packed.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  packed.resize(zs.total_out);
  deflateEnd(&zs);
  const auto dir = test::temporaryDirectory("hostile-deflate");
  const auto path = dir / "bomb.dcm";
  std::ofstream(path, std::ios::binary) << file << packed;
  ASSERT_LT(std::filesystem::file_size(path), 1u << 20);

  const std::uint64_t saved = MemoryBudget::maxImageBytes();
  MemoryBudget::setMaxImageBytes(16u << 20);
  EXPECT_EQ(codeOf([&] { DicomFileReader::readHeader(path); }), ErrorCode::TooLarge);
  EXPECT_EQ(codeOf([&] { DicomFileReader::read(path); }), ErrorCode::TooLarge);
  const DicomScanResult scan = DicomSeriesScanner::scan(dir, false, 1);
  ASSERT_EQ(scan.failures.size(), 1u);
  EXPECT_NE(scan.failures.front().second.find("memory budget"), std::string::npos);
  MemoryBudget::setMaxImageBytes(saved);
  // Within the budget the same file is parsed (and refused for having no pixel data).
  EXPECT_EQ(DicomFileReader::readHeader(path).sopInstanceUid, "2.25.99");
  EXPECT_EQ(codeOf([&] { DicomFileReader::read(path); }), ErrorCode::WrongModality);
}

TEST(HostileSizes, NiftiDimensionsBeyondTheBudgetAreTooLarge) {
  const auto dir = test::temporaryDirectory("hostile-nifti");
  EXPECT_EQ(codeOf([&] {
              NiftiReader::read(writeNifti(dir / "a.nii", 1, {32767, 32767, 32767}, 8));
            }),
            ErrorCode::TooLarge);
  // NIfTI-2 extents are 64-bit: one axis of 2^40 voxels is over the per-axis cap.
  EXPECT_EQ(codeOf([&] {
              NiftiReader::read(writeNifti(dir / "b.nii", 2, {1LL << 40, 1, 1}, 8));
            }),
            ErrorCode::TooLarge);
  EXPECT_EQ(codeOf([&] {
              NiftiReader::read(writeNifti(dir / "c.nii", 2, {1LL << 62, 1LL << 62, 4}, 8));
            }),
            ErrorCode::TooLarge);
  // Small and consistent: read; small but truncated: CorruptData.
  EXPECT_EQ(NiftiReader::read(writeNifti(dir / "d.nii", 2, {2, 2, 1}, 8)).size(),
            (ImageSize{2, 2, 1, 1}));
  EXPECT_EQ(codeOf([&] {
              NiftiReader::read(writeNifti(dir / "e.nii", 1, {64, 64, 64}, 8));
            }),
            ErrorCode::CorruptData);
}

TEST(HostileSizes, NpzDeflateBombIsHeldToTheMemoryBudget) {
  const auto dir = test::temporaryDirectory("hostile-npz");
  // A 4-element uint8 array followed by 64 MiB of zeros in one deflated entry (~64 KiB on disk),
  // and an entry whose header declares 10^10 x 10^10 bytes.
  std::string small = std::string("\x93NUMPY\x01\x00", 8);
  const std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }";
  small += static_cast<char>(header.size());
  small += '\0';
  small += header + "\x01\x02\x03\x04";
  std::string bomb = small + std::string(64u << 20, '\0');
  std::string huge = std::string("\x93NUMPY\x01\x00", 8);
  const std::string hugeHeader =
      "{'descr': '|u1', 'fortran_order': False, 'shape': (10000000000, 10000000000), }";
  huge += static_cast<char>(hugeHeader.size());
  huge += '\0';
  huge += hugeHeader;
  const auto path = dir / "bomb.npz";
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, bytes] : {std::pair{"bomb.npy", &bomb}, std::pair{"huge.npy", &huge}}) {
    zip_source_t* source = zip_source_buffer(zip, bytes->data(), bytes->size(), 0);
    const zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
    ASSERT_GE(index, 0);
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
  }
  ASSERT_EQ(zip_close(zip), 0);
  bomb.clear();
  bomb.shrink_to_fit();
  ASSERT_LT(std::filesystem::file_size(path), 1u << 20);

  const NpzReader npz(path);
  // The entry inflates to 64 MiB: over a 16 MiB budget it is refused before inflating.
  const std::uint64_t saved = MemoryBudget::maxImageBytes();
  MemoryBudget::setMaxImageBytes(16u << 20);
  EXPECT_EQ(codeOf([&] { npz.read("bomb"); }), ErrorCode::TooLarge);
  MemoryBudget::setMaxImageBytes(saved);
  // Within the budget only the 4 declared elements become the array.
  const NpyArray array = npz.read("bomb");
  EXPECT_EQ(array.shape(), (std::vector<std::size_t>{4}));
  EXPECT_EQ(array.asInt64(), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(codeOf([&] { npz.read("huge"); }), ErrorCode::TooLarge);
}

}  // namespace medsight
