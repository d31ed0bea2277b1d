#include "io/NiftiWriter.h"

#include <nifti2_io.h>

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/AtomicFile.h"
#include "core/Error.h"

namespace medsight {
namespace {

struct NiftiImageDeleter {
  void operator()(nifti_image* nim) const { nifti_image_free(nim); }
};
using NiftiImagePtr = std::unique_ptr<nifti_image, NiftiImageDeleter>;

int datatypeOf(const Image& image) {
  if (image.components() == 3 && image.pixelType() == PixelType::UInt8) return DT_RGB24;
  if (image.components() == 4 && image.pixelType() == PixelType::UInt8) return DT_RGBA32;
  if (image.components() != 1) {
    throw Error(ErrorCode::UnsupportedFormat,
                "NIfTI output supports 1 component, or 3/4 components of uint8");
  }
  switch (image.pixelType()) {
    case PixelType::UInt8:
      return DT_UINT8;
    case PixelType::Int8:
      return DT_INT8;
    case PixelType::UInt16:
      return DT_UINT16;
    case PixelType::Int16:
      return DT_INT16;
    case PixelType::UInt32:
      return DT_UINT32;
    case PixelType::Int32:
      return DT_INT32;
    case PixelType::Float32:
      return DT_FLOAT32;
    case PixelType::Float64:
      return DT_FLOAT64;
  }
  throw Error(ErrorCode::Internal, "NIfTI writer: unknown pixel type");
}

bool hasGzipSuffix(const std::filesystem::path& p) {
  return p.extension() == ".gz";
}

/// gzip level of `.nii.gz` output: zlib's and dcm2niix's default.
constexpr int kGzipLevel = 6;
/// Largest image compressed in one libdeflate call (which needs the input and output in memory).
constexpr std::size_t kWholeBufferGzipLimit = std::size_t{512} << 20;

/// Writes the parts one after another to `path`; throws FileWriteFailed.
void writeParts(const std::filesystem::path& path,
                std::initializer_list<std::span<const std::byte>> parts, const std::string& name) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "wb"), &std::fclose);
  bool ok = out != nullptr;
  for (const auto& part : parts) {
    ok = ok && (part.empty() || std::fwrite(part.data(), part.size(), 1, out.get()) == 1);
  }
  ok = out && std::fclose(out.release()) == 0 && ok;
  if (!ok) throw Error(ErrorCode::FileWriteFailed, name + ": write failed");
}

/// Single-file NIfTI output (".nii", ".nii.gz") written here rather than by
/// nifti_image_write: nifti_clib 3.0.1 (Debian 12) truncates NIfTI-2 headers when it reopens the
/// file for the voxels and misplaced the voxels of gzipped NIfTI-1 files in our tests. The
/// header struct still comes from the library (nifti_convert_nim2n{1,2}hdr).
/// gzip output is one member made by libdeflate, which at the same level is about 3.5x faster
/// than zlib's streaming deflate on CT volumes (bench/io) and compresses as well.
template <class Header>
void writeSingleFile(const Header& header, const std::filesystem::path& tmp, bool gzip,
                     std::span<const std::byte> voxels, const std::string& name) {
  const std::byte extension[4] = {};  // no extensions follow the header
  const auto headerBytes = std::as_bytes(std::span(&header, 1));
  if (!gzip) {
    writeParts(tmp, {headerBytes, extension, voxels}, name);
    return;
  }
  if (voxels.size() > kWholeBufferGzipLimit) {
    // Very large images: zlib's streaming deflate, so memory stays at one copy of the image.
    gzFile out = gzopen(tmp.c_str(), "wb6");
    if (out == nullptr) throw Error(ErrorCode::FileWriteFailed, name + ": cannot create file");
    bool ok = gzwrite(out, headerBytes.data(), static_cast<unsigned>(headerBytes.size())) ==
                  static_cast<int>(headerBytes.size()) &&
              gzwrite(out, extension, 4) == 4;
    for (std::size_t done = 0; ok && done < voxels.size();) {
      const auto chunk =
          static_cast<unsigned>(std::min<std::size_t>(voxels.size() - done, 1 << 26));
      ok = gzwrite(out, voxels.data() + done, chunk) == static_cast<int>(chunk);
      done += chunk;
    }
    ok = gzclose(out) == Z_OK && ok;
    if (!ok) throw Error(ErrorCode::FileWriteFailed, name + ": write failed");
    return;
  }
  // libdeflate compresses one buffer: header, extension flag and voxels are put together.
  std::vector<std::byte> plain(sizeof header + 4 + voxels.size());
  std::memcpy(plain.data(), headerBytes.data(), headerBytes.size());
  std::memcpy(plain.data() + sizeof header, extension, 4);
  if (!voxels.empty()) std::memcpy(plain.data() + sizeof header + 4, voxels.data(), voxels.size());
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(kGzipLevel), &libdeflate_free_compressor);
  if (!compressor) throw Error(ErrorCode::Internal, name + ": cannot create a gzip compressor");
  std::vector<std::byte> packed(libdeflate_gzip_compress_bound(compressor.get(), plain.size()));
  const std::size_t size = libdeflate_gzip_compress(compressor.get(), plain.data(), plain.size(),
                                                    packed.data(), packed.size());
  if (size == 0) throw Error(ErrorCode::Internal, name + ": gzip compression failed");
  plain = {};
  writeParts(tmp, {std::span<const std::byte>(packed).first(size)}, name);
}

void writeNifti(nifti_image* nim, bool nifti2, const std::filesystem::path& tmp, bool gzip,
                std::span<const std::byte> voxels, const std::string& name) {
  if (nifti2) {
    nim->nifti_type = NIFTI_FTYPE_NIFTI2_1;
    nifti_2_header header{};
    if (nifti_convert_nim2n2hdr(nim, &header) != 0) {
      throw Error(ErrorCode::Internal, name + ": cannot build a NIfTI-2 header");
    }
    header.vox_offset = 544;  // 540-byte header + 4-byte extension flag, 16-byte aligned
    // Single-file NIfTI-2 magic is "n+2\0" then "\r\n\032\n" (nifti2.h); the library fills
    // only the first four bytes.
    const char magic[8] = {'n', '+', '2', '\0', '\r', '\n', '\032', '\n'};
    std::memcpy(header.magic, magic, sizeof magic);
    writeSingleFile(header, tmp, gzip, voxels, name);
  } else {
    nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
    nifti_1_header header{};
    if (nifti_convert_nim2n1hdr(nim, &header) != 0) {
      throw Error(ErrorCode::Internal, name + ": cannot build a NIfTI-1 header");
    }
    header.vox_offset = 352.0f;  // 348-byte header + 4-byte extension flag
    std::memcpy(header.magic, "n+1\0", 4);
    writeSingleFile(header, tmp, gzip, voxels, name);
  }
}

}  // namespace

void NiftiWriter::write(const Image& image, const std::filesystem::path& path, Version version) {
  if (image.empty())
    throw Error(ErrorCode::EmptyInput, path.string() + ": cannot write an empty image");
  const std::string ext =
      hasGzipSuffix(path) ? path.stem().extension().string() : path.extension().string();
  if (ext != ".nii") {
    throw Error(ErrorCode::InvalidArgument,
                path.string() + ": NIfTI output must end in .nii or .nii.gz");
  }
  const auto& s = image.size();
  int64_t dims[8] = {image.size().t > 1 ? 4 : 3,
                     static_cast<int64_t>(s.x),
                     static_cast<int64_t>(s.y),
                     static_cast<int64_t>(s.z),
                     static_cast<int64_t>(s.t),
                     1,
                     1,
                     1};
  if (image.spatialDimension() == 2 && s.t == 1) dims[0] = 2;
  bool needsNifti2 = version == Version::Nifti2;
  for (int d = 1; d <= 4; ++d) needsNifti2 = needsNifti2 || dims[d] > 32767;

  NiftiImagePtr nim(nifti_make_new_nim(dims, datatypeOf(image), 0));
  if (!nim) throw Error(ErrorCode::Internal, path.string() + ": cannot create a NIfTI header");

  // LPS (MedSight) -> RAS+ (NIfTI): negate the x and y rows of the index-to-world matrix.
  const ImageGeometry& g = image.geometry();
  nifti_dmat44 m{};
  for (int r = 0; r < 3; ++r) {
    const double flip = r < 2 ? -1.0 : 1.0;
    for (int c = 0; c < 3; ++c) m.m[r][c] = flip * g.direction[r * 3 + c] * g.spacing[c];
    m.m[r][3] = flip * g.origin[r];
  }
  m.m[3][3] = 1.0;
  nim->sto_xyz = m;
  nim->sform_code = NIFTI_XFORM_SCANNER_ANAT;
  nim->qform_code = NIFTI_XFORM_SCANNER_ANAT;
  nifti_dmat44_to_quatern(m, &nim->quatern_b, &nim->quatern_c, &nim->quatern_d, &nim->qoffset_x,
                          &nim->qoffset_y, &nim->qoffset_z, nullptr, nullptr, nullptr, &nim->qfac);
  nim->qto_xyz = nifti_quatern_to_dmat44(nim->quatern_b, nim->quatern_c, nim->quatern_d,
                                         nim->qoffset_x, nim->qoffset_y, nim->qoffset_z,
                                         g.spacing[0], g.spacing[1], g.spacing[2], nim->qfac);
  nim->pixdim[1] = nim->dx = g.spacing[0];
  nim->pixdim[2] = nim->dy = g.spacing[1];
  nim->pixdim[3] = nim->dz = g.spacing[2];
  nim->pixdim[0] = nim->qfac;
  if (s.t > 1) nim->pixdim[4] = nim->dt = g.frameInterval > 0 ? g.frameInterval : 1.0;
  nim->xyz_units = NIFTI_UNITS_MM;
  nim->time_units = NIFTI_UNITS_SEC;
  nim->scl_slope = 1.0;
  nim->scl_inter = 0.0;
  std::strncpy(nim->descrip, "MedSight", sizeof nim->descrip - 1);

  AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
    writeNifti(nim.get(), needsNifti2, tmp, hasGzipSuffix(path), image.bytes(), path.string());
    // Read the header back: the library must accept what we wrote.
    nifti_set_debug_level(0);
    std::unique_ptr<nifti_image, void (*)(nifti_image*)> check(nifti_image_read(tmp.c_str(), 0),
                                                               &nifti_image_free);
    if (!check) throw Error(ErrorCode::FileWriteFailed, path.string() + ": write failed");
  });
}

}  // namespace medsight
