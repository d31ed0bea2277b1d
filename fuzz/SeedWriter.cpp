// medsight_fuzz_seeds OUT_DIR DATA_DIR: writes small seed files for the fuzz targets, made from
// real data where it helps (headers and geometry of the sarcoma CT/MR/PET volumes, a cropped CT
// series as a MedSight-derived DICOM series) and synthetic variants the datasets lack (NIfTI-2,
// 4D, RGB, scaled, big-endian). Large real files stay out of the corpus: each fuzz execution
// would otherwise decompress megabytes.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include "core/Error.h"
#include "io/DicomDerivedImageWriter.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesReader.h"
#include "io/NiftiReader.h"
#include "io/NiftiWriter.h"

namespace fs = std::filesystem;
using namespace medsight;

namespace {

/// The first `nx` x `ny` x `nz` voxels of a volume, keeping its geometry.
Image crop(const Image& in, std::size_t nx, std::size_t ny, std::size_t nz) {
  const ImageSize size{std::min(nx, in.size().x), std::min(ny, in.size().y),
                       std::min(nz, in.size().z), 1};
  Image out(in.pixelType(), size, in.spatialDimension(), in.components(), in.geometry());
  for (std::size_t z = 0; z < size.z; ++z)
    for (std::size_t y = 0; y < size.y; ++y)
      for (std::size_t x = 0; x < size.x; ++x) out.setValueAt(in.valueAt(x, y, z), x, y, z);
  out.setModality(in.modality());
  out.metadata() = in.metadata();
  return out;
}

void writeNiftiSeeds(const fs::path& out, const fs::path& data) {
  fs::create_directories(out);
  int written = 0;
  for (const char* patient : {"STS_001", "STS_002"}) {
    for (const char* kind : {"CT_image", "MR_T1_image", "PET_image", "CT_mask"}) {
      const fs::path source = data / "sts/nifti" / patient / (std::string(kind) + ".nii.gz");
      if (!fs::exists(source)) continue;
      const Image small = crop(NiftiReader::read(source), 6, 5, 3);
      const std::string stem = std::string(patient) + "_" + kind;
      NiftiWriter::write(small, out / (stem + ".nii"));
      NiftiWriter::write(small, out / (stem + "_v2.nii"), NiftiWriter::Version::Nifti2);
      NiftiWriter::write(small, out / (stem + ".nii.gz"));
      written += 3;
    }
  }
  // Shapes and types the cohort lacks: 4D, RGB, float64, 2D.
  Image series(PixelType::Int16, {4, 3, 2, 3}, 3);
  for (std::size_t i = 0; i < series.sampleCount(); ++i) series.pixels<std::int16_t>()[i] = i;
  series.geometry().frameInterval = 2.0;
  NiftiWriter::write(series, out / "synthetic_4d.nii");
  Image rgb(PixelType::UInt8, {3, 2, 1, 1}, 2, 3);
  NiftiWriter::write(rgb, out / "synthetic_rgb.nii");
  Image f8(PixelType::Float64, {3, 3, 2, 1}, 3);
  f8.geometry().direction = {0, 1, 0, 1, 0, 0, 0, 0, -1};
  NiftiWriter::write(f8, out / "synthetic_f8_v2.nii.gz", NiftiWriter::Version::Nifti2);
  written += 3;
  // Big-endian NIfTI-1: the synthetic 4D file with header fields and voxels byte-swapped.
  std::ifstream in(out / "synthetic_4d.nii", std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(in)), {});
  auto swap = [&](std::size_t offset, std::size_t width) {
    std::reverse(b.begin() + static_cast<long>(offset),
                 b.begin() + static_cast<long>(offset + width));
  };
  swap(0, 4);                                               // sizeof_hdr
  for (std::size_t d = 0; d < 8; ++d) swap(40 + 2 * d, 2);  // dim[8]
  for (std::size_t o : {56, 60, 64}) swap(o, 4);            // intent_p1..3
  for (std::size_t o : {68, 70, 72, 74}) swap(o, 2);  // intent_code, datatype, bitpix, slice_start
  for (std::size_t d = 0; d < 8; ++d) swap(76 + 4 * d, 4);  // pixdim[8]
  for (std::size_t o : {108, 112, 116}) swap(o, 4);         // vox_offset, scl_slope, scl_inter
  swap(120, 2);                                             // slice_end
  for (std::size_t o : {124, 128, 132, 136, 140, 144}) swap(o, 4);
  swap(252, 2);
  swap(254, 2);                                           // qform_code, sform_code
  for (std::size_t o = 256; o < 328; o += 4) swap(o, 4);  // quatern_*, qoffset_*, srow_*
  for (std::size_t o = 352; o + 1 < b.size(); o += 2) swap(o, 2);
  std::ofstream(out / "synthetic_4d_bigendian.nii", std::ios::binary).write(b.data(), b.size());
  std::cout << "nifti seeds: " << written + 1 << '\n';
}

void writeDicomSeeds(const fs::path& out, const fs::path& data) {
  fs::create_directories(out);
  const fs::path ct = data / "sts/dicom/STS_001/CT/image";
  if (!fs::exists(ct)) return;
  const Image volume = DicomSeriesReader::readFolder(ct, "", 1);
  std::vector<DicomHeader> sources;
  for (const char* slice : {"000000.dcm", "000001.dcm", "000002.dcm"}) {
    sources.push_back(DicomFileReader::readHeader(ct / slice));
  }
  DerivedSeriesOptions options;
  options.derivationDescription = "fuzz seed: 12x10x3 crop";
  const auto files =
      DicomDerivedImageWriter::write(crop(volume, 12, 10, 3), sources, out / "derived_ct", options);
  Image rgb(PixelType::UInt8, {8, 6, 1, 1}, 2, 3);
  for (std::size_t i = 0; i < rgb.sampleCount(); ++i) rgb.pixels<std::uint8_t>()[i] = i * 5;
  const auto sc = DicomDerivedImageWriter::write(rgb, sources, out / "derived_sc", options);
  std::cout << "dicom seeds: " << files.size() + sc.size() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: medsight_fuzz_seeds OUT_DIR DATA_DIR\n";
    return 2;
  }
  try {
    writeNiftiSeeds(fs::path(argv[1]) / "nifti", argv[2]);
    writeDicomSeeds(fs::path(argv[1]) / "dicom", argv[2]);
  } catch (const Error& e) {
    std::cerr << "medsight_fuzz_seeds: " << e.what() << '\n';
    return e.exitCode();
  }
  return 0;
}
