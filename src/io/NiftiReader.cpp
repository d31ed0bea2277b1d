#include "io/NiftiReader.h"

#include <nifti2_io.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/MemoryBudget.h"

namespace medsight {
namespace {

struct NiftiImageDeleter {
  void operator()(nifti_image* nim) const { nifti_image_free(nim); }
};
using NiftiImagePtr = std::unique_ptr<nifti_image, NiftiImageDeleter>;

struct TypeMapping {
  PixelType type;
  int components;
};

TypeMapping mapDatatype(int datatype, const std::string& name) {
  switch (datatype) {
    case DT_UINT8:
      return {PixelType::UInt8, 1};
    case DT_INT8:
      return {PixelType::Int8, 1};
    case DT_UINT16:
      return {PixelType::UInt16, 1};
    case DT_INT16:
      return {PixelType::Int16, 1};
    case DT_UINT32:
      return {PixelType::UInt32, 1};
    case DT_INT32:
      return {PixelType::Int32, 1};
    case DT_FLOAT32:
      return {PixelType::Float32, 1};
    case DT_FLOAT64:
      return {PixelType::Float64, 1};
    case DT_RGB24:
      return {PixelType::UInt8, 3};
    case DT_RGBA32:
      return {PixelType::UInt8, 4};
    default:
      break;
  }
  throw Error(ErrorCode::UnsupportedFormat, name + ": NIfTI datatype " + std::to_string(datatype) +
                                                " (" + nifti_datatype_string(datatype) +
                                                ") is not supported");
}

double timeUnitSeconds(int units) {
  switch (units) {
    case NIFTI_UNITS_MSEC:
      return 1e-3;
    case NIFTI_UNITS_USEC:
      return 1e-6;
    default:
      return 1.0;
  }
}

double spaceUnitMillimetres(int units) {
  switch (units) {
    case NIFTI_UNITS_METER:
      return 1000.0;
    case NIFTI_UNITS_MICRON:
      return 1e-3;
    default:
      return 1.0;  // mm, or unknown (treated as mm like ITK and nibabel)
  }
}

bool columnsOrthogonal(const nifti_dmat44& m) {
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      double dot = 0, na = 0, nb = 0;
      for (int r = 0; r < 3; ++r) {
        dot += m.m[r][a] * m.m[r][b];
        na += m.m[r][a] * m.m[r][a];
        nb += m.m[r][b] * m.m[r][b];
      }
      if (na <= 0 || nb <= 0 || std::abs(dot) > 1e-4 * std::sqrt(na * nb)) return false;
    }
  }
  return true;
}

/// NIfTI maps voxel indices to RAS+ (NIfTI-1 header, qform/sform "methods 2 and 3"); MedSight and
/// DICOM use LPS, so x and y change sign.
ImageGeometry geometryFromMatrix(const nifti_dmat44& m, double unitScale, const std::string& name) {
  ImageGeometry g;
  for (int c = 0; c < 3; ++c) {
    double norm = 0;
    for (int r = 0; r < 3; ++r) norm += m.m[r][c] * m.m[r][c];
    norm = std::sqrt(norm);
    if (!(norm > 0) || !std::isfinite(norm)) {
      throw Error(ErrorCode::CorruptData, name + ": NIfTI transform has a zero-length axis");
    }
    g.spacing[c] = norm * unitScale;
    for (int r = 0; r < 3; ++r) {
      const double flip = r < 2 ? -1.0 : 1.0;
      g.direction[r * 3 + c] = flip * m.m[r][c] / norm;
    }
  }
  for (int r = 0; r < 3; ++r) g.origin[r] = (r < 2 ? -1.0 : 1.0) * m.m[r][3] * unitScale;
  return g;
}

void orthonormalise(ImageGeometry& g) {
  // Gram-Schmidt on the direction columns: an sform with shear has no exact rigid equivalent.
  for (int c = 0; c < 3; ++c) {
    for (int p = 0; p < c; ++p) {
      double dot = 0;
      for (int r = 0; r < 3; ++r) dot += g.direction[r * 3 + c] * g.direction[r * 3 + p];
      for (int r = 0; r < 3; ++r) g.direction[r * 3 + c] -= dot * g.direction[r * 3 + p];
    }
    double norm = 0;
    for (int r = 0; r < 3; ++r) norm += g.direction[r * 3 + c] * g.direction[r * 3 + c];
    norm = std::sqrt(norm);
    for (int r = 0; r < 3; ++r) g.direction[r * 3 + c] /= norm;
  }
}

template <class T>
void rescaleInto(const T* src, float* dst, std::size_t n, double slope, double intercept) {
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = static_cast<float>(static_cast<double>(src[i]) * slope + intercept);
  }
}

}  // namespace

Image NiftiReader::read(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorCode::FileNotFound, name + ": no such file");
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileUnreadable, name + ": not a regular file");
  }
  nifti_set_debug_level(0);  // the library prints to stderr; we report through Error instead
  // The header and voxels are read here (through zlib, which also reads uncompressed files)
  // and only the header-to-image conversion is left to nifti_clib: nifti_image_read resolves
  // "x.nii.gz" to a sibling "x.nii" when one exists, and we must read exactly the file named.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(name.c_str(), "rb"), &gzclose);
  if (!in) throw Error(ErrorCode::FileUnreadable, name + ": cannot open");
  union {
    nifti_1_header v1;
    nifti_2_header v2;
    char bytes[sizeof(nifti_2_header)];
  } header{};
  const int got = gzread(in.get(), header.bytes, sizeof(nifti_1_header));
  if (got != static_cast<int>(sizeof(nifti_1_header))) {
    throw Error(ErrorCode::CorruptData, name + ": shorter than a NIfTI header");
  }
  std::int32_t sizeofHdr = 0;
  std::memcpy(&sizeofHdr, header.bytes, 4);
  const std::int32_t swappedSize =
      static_cast<std::int32_t>(__builtin_bswap32(static_cast<std::uint32_t>(sizeofHdr)));
  const bool swapped = sizeofHdr != 348 && sizeofHdr != 540;
  const std::int32_t hdrSize = swapped ? swappedSize : sizeofHdr;
  if (hdrSize != 348 && hdrSize != 540) {
    throw Error(ErrorCode::CorruptData, name + ": not a NIfTI-1/NIfTI-2 header (sizeof_hdr " +
                                            std::to_string(sizeofHdr) + ")");
  }
  const int version = hdrSize == 540 ? 2 : 1;
  if (version == 2) {
    const int rest = static_cast<int>(sizeof(nifti_2_header) - sizeof(nifti_1_header));
    if (gzread(in.get(), header.bytes + sizeof(nifti_1_header), static_cast<unsigned>(rest)) !=
        rest) {
      throw Error(ErrorCode::CorruptData, name + ": truncated NIfTI-2 header");
    }
  }
  if (swapped) swap_nifti_header(header.bytes, version);
  const char* magic = version == 2 ? header.v2.magic : header.v1.magic;
  if (std::strncmp(magic, version == 2 ? "n+2" : "n+1", 3) != 0) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": only single-file NIfTI (.nii, .nii.gz) is supported (magic '" +
                    std::string(magic, strnlen(magic, 4)) + "')");
  }
  const bool headerOk = version == 2 ? nifti_hdr2_looks_good(&header.v2) != 0
                                     : nifti_hdr1_looks_good(&header.v1) != 0;
  if (!headerOk) throw Error(ErrorCode::CorruptData, name + ": inconsistent NIfTI header");
  NiftiImagePtr nim(version == 2 ? nifti_convert_n2hdr2nim(header.v2, name.c_str())
                                 : nifti_convert_n1hdr2nim(header.v1, name.c_str()));
  if (!nim) throw Error(ErrorCode::CorruptData, name + ": NIfTI header cannot be interpreted");
  const double voxOffset = version == 2 ? static_cast<double>(header.v2.vox_offset)
                                        : static_cast<double>(header.v1.vox_offset);
  const TypeMapping mapping = mapDatatype(nim->datatype, name);
  if (nim->ndim < 1 || nim->ndim > 7) {
    throw Error(ErrorCode::CorruptData,
                name + ": NIfTI ndim " + std::to_string(nim->ndim) + " is out of range");
  }
  for (int d = 1; d <= nim->ndim; ++d) {
    if (nim->dim[d] < 1) {
      throw Error(ErrorCode::CorruptData,
                  name + ": NIfTI dim[" + std::to_string(d) + "] = " + std::to_string(nim->dim[d]));
    }
  }
  for (int d = 5; d <= nim->ndim; ++d) {
    if (nim->dim[d] > 1) {
      throw Error(ErrorCode::UnsupportedFormat,
                  name + ": NIfTI images with more than 4 dimensions are not supported");
    }
  }
  ImageSize size;
  size.x = static_cast<std::size_t>(nim->nx);
  size.y = nim->ndim >= 2 ? static_cast<std::size_t>(nim->ny) : 1;
  size.z = nim->ndim >= 3 ? static_cast<std::size_t>(nim->nz) : 1;
  size.t = nim->ndim >= 4 ? static_cast<std::size_t>(nim->nt) : 1;
  const int spatial = size.z > 1 ? 3 : 2;
  const std::uint64_t storedBytes = MemoryBudget::checkedBytes(
      name, static_cast<std::uint64_t>(nim->nbyper), {size.x, size.y, size.z, size.t});
  if (!(voxOffset >= hdrSize) || voxOffset > 1e12) {
    throw Error(ErrorCode::CorruptData,
                name + ": vox_offset " + std::to_string(voxOffset) + " is inside the header");
  }
  // Skip extensions up to vox_offset, then read exactly the voxel bytes the header promises.
  if (gzseek(in.get(), static_cast<z_off_t>(voxOffset), SEEK_SET) < 0) {
    throw Error(ErrorCode::CorruptData, name + ": vox_offset beyond the end of the file");
  }
  // Reserved, not sized: the buffer's pages are touched only as data arrives, so a header of a
  // few hundred bytes claiming 4 GB of voxels costs what the file holds, not 4 GB of memory,
  // before it is found truncated.
  std::vector<std::byte> voxels;
  voxels.reserve(static_cast<std::size_t>(storedBytes));
  std::size_t done = 0;
  while (done < storedBytes) {
    const auto chunk =
        static_cast<unsigned>(std::min<std::uint64_t>(storedBytes - done, std::uint64_t{1} << 26));
    voxels.resize(done + chunk);
    const int n = gzread(in.get(), voxels.data() + done, chunk);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  voxels.resize(done);
  if (done != storedBytes) {
    throw Error(ErrorCode::CorruptData, name + ": NIfTI voxel data truncated (" +
                                            std::to_string(done) + " of " +
                                            std::to_string(storedBytes) + " bytes)");
  }
  if (swapped) {
    int nbyper = 0, swapsize = 0;
    nifti_datatype_sizes(nim->datatype, &nbyper, &swapsize);
    if (swapsize > 1) {
      nifti_swap_Nbytes(static_cast<int64_t>(voxels.size() / static_cast<std::size_t>(swapsize)),
                        swapsize, voxels.data());
    }
  }
  const void* data = voxels.data();

  // Geometry: prefer an orthogonal sform (as nibabel does), then the qform (always rigid),
  // then a sheared sform made orthonormal, and finally pixdim alone (NIfTI "method 1").
  const double unitScale = spaceUnitMillimetres(nim->xyz_units);
  ImageGeometry geometry;
  std::string source;
  if (nim->sform_code > 0 && columnsOrthogonal(nim->sto_xyz)) {
    geometry = geometryFromMatrix(nim->sto_xyz, unitScale, name);
    source = "sform";
  } else if (nim->qform_code > 0) {
    geometry = geometryFromMatrix(nim->qto_xyz, unitScale, name);
    source = "qform";
  } else if (nim->sform_code > 0) {
    geometry = geometryFromMatrix(nim->sto_xyz, unitScale, name);
    orthonormalise(geometry);
    source = "sform (sheared; orthonormalised)";
  } else {
    for (int i = 0; i < 3; ++i) {
      const double d = std::abs(nim->pixdim[i + 1]);
      geometry.spacing[i] = (d > 0 && std::isfinite(d)) ? d * unitScale : 1.0;
    }
    source = "pixdim";
  }
  if (size.t > 1 && nim->pixdim[4] > 0) {
    geometry.frameInterval = nim->pixdim[4] * timeUnitSeconds(nim->time_units);
  }
  geometry.validate(name);

  const bool scaled = std::isfinite(nim->scl_slope) && nim->scl_slope != 0.0 &&
                      (nim->scl_slope != 1.0 || nim->scl_inter != 0.0) && mapping.components == 1;
  Image image;
  if (scaled && mapping.type != PixelType::Float64) {
    image = Image(PixelType::Float32, size, spatial, 1, geometry);
    auto* dst = image.pixels<float>().data();
    visitPixelType(mapping.type, [&](auto tag) {
      using T = decltype(tag);
      rescaleInto(static_cast<const T*>(data), dst, image.sampleCount(), nim->scl_slope,
                  nim->scl_inter);
    });
  } else {
    image = Image(mapping.type, size, spatial, mapping.components, geometry);
    if (image.byteSize() != storedBytes) {
      throw Error(ErrorCode::CorruptData, name + ": NIfTI voxel size does not match its datatype");
    }
    std::memcpy(image.bytes().data(), data, image.byteSize());
    if (scaled) {
      for (auto& v : image.pixels<double>()) v = v * nim->scl_slope + nim->scl_inter;
    }
  }
  auto& meta = image.metadata();
  meta["nifti.version"] = version == 2 ? "2" : "1";
  meta["nifti.geometry_source"] = source;
  meta["nifti.qform_code"] = std::to_string(nim->qform_code);
  meta["nifti.sform_code"] = std::to_string(nim->sform_code);
  if (scaled) {
    meta["nifti.scl_slope"] = std::to_string(nim->scl_slope);
    meta["nifti.scl_inter"] = std::to_string(nim->scl_inter);
  }
  if (nim->descrip[0] != '\0') {
    meta["nifti.descrip"] = std::string(nim->descrip, strnlen(nim->descrip, sizeof nim->descrip));
  }
  meta["source.path"] = name;
  meta["source.format"] = "NIfTI";
  return image;
}

}  // namespace medsight
