#include "io/DicomFileReader.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmimage/diregist.h>  // registers colour image support in DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "core/Error.h"
#include "core/MemoryBudget.h"
#include "io/DicomFileLoader.h"
#include "io/Jpeg2000Decoder.h"

namespace medsight {
namespace {

bool isJpeg2000(const std::string& uid) {
  // JPEG 2000 (PS3.5 A.4.4) and High-Throughput JPEG 2000: DCMTK's free toolkit has no decoder.
  return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||
         uid == "1.2.840.10008.1.2.4.201" || uid == "1.2.840.10008.1.2.4.202" ||
         uid == "1.2.840.10008.1.2.4.203";
}

void validatePixelModule(const DicomHeader& h) {
  const std::string& name = h.path;
  if (!h.hasPixelData) {
    throw Error(ErrorCode::WrongModality,
                name + ": no pixel data (SOP class " + h.sopClassUid + " is not an image)");
  }
  if (h.rows <= 0 || h.columns <= 0) {
    throw Error(ErrorCode::CorruptData, name + ": Rows/Columns missing or zero");
  }
  if (h.frames <= 0)
    throw Error(ErrorCode::CorruptData, name + ": Number of Frames is not positive");
  if (h.samplesPerPixel != 1 && h.samplesPerPixel != 3) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": Samples per Pixel " + std::to_string(h.samplesPerPixel));
  }
  if (h.bitsAllocated != 1 && h.bitsAllocated != 8 && h.bitsAllocated != 16 &&
      h.bitsAllocated != 32) {
    throw Error(ErrorCode::UnsupportedFormat,
                name + ": Bits Allocated " + std::to_string(h.bitsAllocated));
  }
  if (h.bitsStored <= 0 || h.bitsStored > h.bitsAllocated || h.highBit < h.bitsStored - 1 ||
      h.highBit >= h.bitsAllocated) {
    throw Error(ErrorCode::CorruptData, name + ": inconsistent Bits Stored " +
                                            std::to_string(h.bitsStored) + " / High Bit " +
                                            std::to_string(h.highBit));
  }
  // Four bytes per sample bounds every representation we produce (float32 after rescale).
  MemoryBudget::checkedBytes(
      name, 4,
      {static_cast<std::uint64_t>(h.columns), static_cast<std::uint64_t>(h.rows),
       static_cast<std::uint64_t>(h.frames), static_cast<std::uint64_t>(h.samplesPerPixel)});
}

/// The encapsulated fragments of `frame` (PS3.5 A.4): from the Basic Offset Table, one fragment
/// per frame, or (no table, several fragments per frame) fragments that begin a codestream.
std::vector<std::byte> frameCodestream(DcmPixelSequence& sequence, std::uint32_t frame,
                                       std::int32_t frames, const std::string& name) {
  const unsigned long items = sequence.card();
  auto startOf = [&](std::uint32_t f) -> unsigned long {
    if (f >= static_cast<std::uint32_t>(frames)) return items;
    Uint32 start = 0;
    if (DcmCodec::determineStartFragment(f, frames, &sequence, start).good()) return start;
    if (frames == 1) return 1;
    throw Error(ErrorCode::CorruptData,
                name + ": cannot locate the fragments of JPEG 2000 frame " + std::to_string(f));
  };
  const unsigned long first = startOf(frame), last = startOf(frame + 1);
  if (first < 1 || first >= last || last > items) {
    throw Error(ErrorCode::CorruptData,
                name + ": JPEG 2000 frame " + std::to_string(frame) + " has no fragments");
  }
  std::vector<std::byte> bytes;
  for (unsigned long i = first; i < last; ++i) {
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence.getItem(item, i).bad() || item == nullptr) {
      throw Error(ErrorCode::CorruptData, name + ": missing pixel data fragment");
    }
    const Uint32 length = item->getLength();
    if (length == 0) continue;
    if (item->getUint8Array(data).bad() || data == nullptr) {
      throw Error(ErrorCode::CorruptData, name + ": unreadable pixel data fragment");
    }
    const auto* p = reinterpret_cast<const std::byte*>(data);
    bytes.insert(bytes.end(), p, p + length);
  }
  return bytes;
}

/// JPEG 2000 (PS3.5 A.4.4): decode each frame with OpenJPEG and put the native pixels back into
/// the DCMTK dataset, so the rest of the pipeline is the same for every transfer syntax.
void decodeJpeg2000Into(DcmDataset& ds, DicomHeader& h) {
  if (h.bitsAllocated != 8 && h.bitsAllocated != 16) {
    throw Error(ErrorCode::UnsupportedFormat,
                h.path + ": JPEG 2000 with Bits Allocated " + std::to_string(h.bitsAllocated));
  }
  DcmElement* element = nullptr;
  DcmPixelSequence* sequence = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr ||
      element->ident() != EVR_PixelData ||
      static_cast<DcmPixelData*>(element)
          ->getEncapsulatedRepresentation(ds.getOriginalXfer(), nullptr, sequence)
          .bad() ||
      sequence == nullptr) {
    throw Error(ErrorCode::CorruptData, h.path + ": JPEG 2000 pixel data is not encapsulated");
  }
  const int bytesPerSample = h.bitsAllocated / 8;
  const std::size_t frameBytes = MemoryBudget::checkedBytes(
      h.path, static_cast<std::uint64_t>(bytesPerSample),
      {static_cast<std::uint64_t>(h.columns), static_cast<std::uint64_t>(h.rows),
       static_cast<std::uint64_t>(h.samplesPerPixel)});
  std::vector<std::byte> pixels(frameBytes * static_cast<std::size_t>(h.frames));
  Jpeg2000FrameInfo info;
  for (int f = 0; f < h.frames; ++f) {
    const std::vector<std::byte> codestream =
        frameCodestream(*sequence, static_cast<std::uint32_t>(f), h.frames, h.path);
    const std::span<std::byte> out(pixels.data() + static_cast<std::size_t>(f) * frameBytes,
                                   frameBytes);
    info = Jpeg2000Decoder::decode(codestream, static_cast<std::size_t>(h.columns),
                                   static_cast<std::size_t>(h.rows), h.samplesPerPixel,
                                   bytesPerSample, out, h.path);
  }
  // When Pixel Representation and the codestream's signedness disagree the data set wins, as in
  // GDCM and pydicom (PS3.5 8.2.4): the decoded bits are kept and read with Bits Stored and Pixel
  // Representation, so a 13-bit signed CT stored as an unsigned codestream still gives -2000 HU.
  // A colour transform in the codestream (YBR_ICT/YBR_RCT) is undone by the decoder: RGB.
  if (info.precision > h.bitsStored) {
    h.bitsStored = info.precision;
    h.highBit = info.precision - 1;
    ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(h.bitsStored));
    ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(h.highBit));
  }
  if (h.photometricInterpretation == "YBR_ICT" || h.photometricInterpretation == "YBR_RCT") {
    h.photometricInterpretation = "RGB";
    ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
  }
  h.planarConfiguration = 0;
  if (h.samplesPerPixel > 1) ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  OFCondition st;
  if (bytesPerSample == 1) {
    st = ds.putAndInsertUint8Array(DCM_PixelData, reinterpret_cast<const Uint8*>(pixels.data()),
                                   static_cast<unsigned long>(pixels.size()));
  } else {
    st = ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                                    static_cast<unsigned long>(pixels.size() / 2));
  }
  if (st.bad()) {
    throw Error(ErrorCode::Internal, h.path + ": cannot store decoded JPEG 2000 pixels");
  }
}

/// DCMTK fills missing pixels with zeros; a Pixel Data value shorter than Rows x Columns x
/// Number of Frames x samples (PS3.5 8.1.1; 4:2:2 YBR stores two samples per pixel, PS3.3
/// C.7.6.3.1.2) is a truncated file and reported as such, not shown as a black region.
void checkNativePixelLength(DcmDataset& ds, const DicomHeader& h) {
  DcmElement* pixels = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, pixels).bad() || pixels == nullptr) return;
  const bool ybr422 = h.photometricInterpretation == "YBR_FULL_422" ||
                      h.photometricInterpretation == "YBR_PARTIAL_422";
  const std::uint64_t samples = static_cast<std::uint64_t>(h.rows) *
                                static_cast<std::uint64_t>(h.columns) *
                                static_cast<std::uint64_t>(h.frames) *
                                (ybr422 ? 2u : static_cast<std::uint64_t>(h.samplesPerPixel));
  const std::uint64_t needed = (samples * static_cast<std::uint64_t>(h.bitsAllocated) + 7) / 8;
  const std::uint64_t length = pixels->getLength();
  if (length < needed) {
    throw Error(ErrorCode::CorruptData,
                h.path + ": Pixel Data holds " + std::to_string(length) + " bytes, " +
                    std::to_string(h.frames) + " frame(s) of " + std::to_string(h.columns) + "x" +
                    std::to_string(h.rows) + " need " + std::to_string(needed));
  }
}

template <class T>
void copyInter(const void* src, std::size_t n, Image& out) {
  std::memcpy(out.bytes().data(), src, n * sizeof(T));
}

PixelType typeOfRepresentation(EP_Representation r) {
  switch (r) {
    case EPR_Uint8:
      return PixelType::UInt8;
    case EPR_Sint8:
      return PixelType::Int8;
    case EPR_Uint16:
      return PixelType::UInt16;
    case EPR_Sint16:
      return PixelType::Int16;
    case EPR_Uint32:
      return PixelType::UInt32;
    case EPR_Sint32:
      return PixelType::Int32;
  }
  throw Error(ErrorCode::Internal, "unknown DCMTK pixel representation");
}

/// Modality LUT stage (PS3.3 C.11.1): output = stored * slope + intercept. Integer output is
/// kept when the transform is integral and fits, so CT stays int16 HU; otherwise float32 (PET
/// SUV, MR scaled values).
Image applyRescale(const Image& stored, double slope, double intercept) {
  const bool integral = slope == std::floor(slope) && intercept == std::floor(intercept);
  if (slope == 1.0 && intercept == 0.0) return stored;
  const auto [lo, hi] = stored.minMax();
  const double a = lo * slope + intercept, b = hi * slope + intercept;
  const double outLo = std::min(a, b), outHi = std::max(a, b);
  PixelType outType = PixelType::Float32;
  if (integral && outLo >= std::numeric_limits<std::int16_t>::min() &&
      outHi <= std::numeric_limits<std::int16_t>::max()) {
    outType = PixelType::Int16;
  } else if (integral && outLo >= std::numeric_limits<std::int32_t>::min() &&
             outHi <= std::numeric_limits<std::int32_t>::max()) {
    outType = PixelType::Int32;
  }
  Image out(outType, stored.size(), stored.spatialDimension(), 1, stored.geometry());
  const std::size_t n = stored.sampleCount();
  visitPixelType(stored.pixelType(), [&](auto inTag) {
    using In = decltype(inTag);
    const In* src = stored.pixels<In>().data();
    visitPixelType(outType, [&](auto outTag) {
      using Out = decltype(outTag);
      Out* dst = out.pixels<Out>().data();
      for (std::size_t i = 0; i < n; ++i) {
        dst[i] = static_cast<Out>(static_cast<double>(src[i]) * slope + intercept);
      }
    });
  });
  return out;
}

ImageGeometry planeGeometry(const DicomHeader& h) {
  ImageGeometry g;
  if (h.pixelSpacing) {
    // Pixel Spacing is (row spacing, column spacing) = (y, x) (PS3.3 10.7.1.3).
    g.spacing[0] = (*h.pixelSpacing)[1];
    g.spacing[1] = (*h.pixelSpacing)[0];
  } else if (h.imagerPixelSpacing) {
    g.spacing[0] = (*h.imagerPixelSpacing)[1];
    g.spacing[1] = (*h.imagerPixelSpacing)[0];
  }
  if (h.spacingBetweenSlices && *h.spacingBetweenSlices > 0) {
    g.spacing[2] = *h.spacingBetweenSlices;
  } else if (h.sliceThickness && *h.sliceThickness > 0) {
    g.spacing[2] = *h.sliceThickness;
  }
  for (auto& s : g.spacing) {
    if (!(s > 0) || !std::isfinite(s)) s = 1.0;
  }
  if (h.imageOrientation) {
    const auto& o = *h.imageOrientation;
    const auto n = h.sliceNormal();
    g.direction = {o[0], o[3], n[0], o[1], o[4], n[1], o[2], o[5], n[2]};
    try {
      g.validate(h.path);
    } catch (const Error&) {
      // A broken orientation is reported in metadata rather than failing the whole read.
      g.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    }
  }
  if (h.imagePosition) g.origin = *h.imagePosition;
  if (h.frameTime && *h.frameTime > 0) g.frameInterval = *h.frameTime / 1000.0;
  return g;
}

}  // namespace

Image DicomFileReader::read(const std::filesystem::path& path) {
  auto file = loadDicomFile(path, false);
  DicomHeader h = headerFromFile(*file, path);
  validatePixelModule(h);
  DcmDataset& ds = *file->getDataset();
  E_TransferSyntax xfer = ds.getOriginalXfer();
  if (isJpeg2000(h.transferSyntaxUid)) {
    decodeJpeg2000Into(ds, h);
    xfer = EXS_LittleEndianExplicit;
  } else if (DcmXfer(xfer).isEncapsulated()) {
    // Decompress up front so a codec failure is reported as such, not as a DicomImage status.
    const OFCondition st = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (st.bad()) {
      throw Error(ErrorCode::UnsupportedFormat,
                  h.path + ": cannot decode " + h.transferSyntaxName + " (" + st.text() + ")");
    }
    xfer = EXS_LittleEndianExplicit;
  }
  checkNativePixelLength(ds, h);
  const bool monochrome = h.samplesPerPixel == 1 && h.photometricInterpretation != "PALETTE COLOR";
  unsigned long flags = CIF_NeverAccessEmbeddedOverlays;
  // With a rescale we do the modality stage ourselves in double precision; DCMTK would round
  // SUV-like values to integers. A Modality LUT Sequence is applied by DCMTK.
  if (monochrome && !h.hasModalityLut) flags |= CIF_IgnoreModalityTransformation;
  DicomImage dimage(&ds, xfer, flags, 0, 0);
  if (dimage.getStatus() != EIS_Normal) {
    throw Error(ErrorCode::CorruptData, h.path + ": pixel data cannot be decoded (" +
                                            DicomImage::getString(dimage.getStatus()) + ")");
  }
  const std::size_t width = dimage.getWidth(), height = dimage.getHeight();
  const std::size_t frames = std::max<unsigned long>(1, dimage.getFrameCount());
  if (width != static_cast<std::size_t>(h.columns) || height != static_cast<std::size_t>(h.rows)) {
    throw Error(ErrorCode::CorruptData, h.path + ": decoded size differs from Rows/Columns");
  }

  ImageGeometry geometry = planeGeometry(h);
  // Frames of enhanced multi-frame objects with distinct plane positions form a volume.
  std::vector<std::size_t> frameOrder(frames);
  std::iota(frameOrder.begin(), frameOrder.end(), 0);
  bool volume = false;
  if (frames > 1 && h.framePositions.size() == frames) {
    const auto n = h.sliceNormal();
    std::vector<double> depth(frames);
    for (std::size_t f = 0; f < frames; ++f) {
      const auto& p = h.framePositions[f];
      depth[f] = p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
    }
    std::sort(frameOrder.begin(), frameOrder.end(),
              [&](std::size_t a, std::size_t b) { return depth[a] < depth[b]; });
    bool distinct = true;
    std::vector<double> gaps;
    for (std::size_t i = 1; i < frames; ++i) {
      const double gap = depth[frameOrder[i]] - depth[frameOrder[i - 1]];
      if (gap < 1e-3) distinct = false;
      gaps.push_back(gap);
    }
    if (distinct) {
      volume = true;
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2),
                       gaps.end());
      geometry.spacing[2] = gaps[gaps.size() / 2];
      geometry.origin = h.framePositions[frameOrder.front()];
    } else {
      std::iota(frameOrder.begin(), frameOrder.end(), 0);
    }
  }
  const ImageSize size =
      volume ? ImageSize{width, height, frames, 1} : ImageSize{width, height, 1, frames};
  const int spatial = volume ? 3 : 2;
  const std::size_t perFrame = width * height;

  Image image;
  if (monochrome) {
    const DiPixel* inter = dimage.getInterData();
    if (inter == nullptr || inter->getData() == nullptr) {
      throw Error(ErrorCode::CorruptData, h.path + ": no decoded pixel data");
    }
    if (inter->getCount() < perFrame * frames) {
      throw Error(ErrorCode::CorruptData, h.path + ": pixel data shorter than " +
                                              std::to_string(frames) + " frames of " +
                                              std::to_string(width) + "x" + std::to_string(height));
    }
    const PixelType type = typeOfRepresentation(inter->getRepresentation());
    Image stored(type, size, spatial, 1, geometry);
    const std::size_t sampleBytes = bytesPerSample(type);
    const auto* src = static_cast<const std::byte*>(inter->getData());
    for (std::size_t f = 0; f < frames; ++f) {
      std::memcpy(stored.bytes().data() + f * perFrame * sampleBytes,
                  src + frameOrder[f] * perFrame * sampleBytes, perFrame * sampleBytes);
    }
    image = h.hasModalityLut ? std::move(stored)
                             : applyRescale(stored, h.hasRescale ? h.rescaleSlope : 1.0,
                                            h.hasRescale ? h.rescaleIntercept : 0.0);
  } else {
    // Colour (RGB, YBR_*, PALETTE COLOR): DCMTK converts to interleaved RGB per frame.
    const int bits = h.bitsStored > 8 ? 16 : 8;
    const PixelType type = bits == 16 ? PixelType::UInt16 : PixelType::UInt8;
    image = Image(type, size, spatial, 3, geometry);
    const std::size_t frameBytes = perFrame * 3 * bytesPerSample(type);
    for (std::size_t f = 0; f < frames; ++f) {
      const void* rgb = dimage.getOutputData(bits, static_cast<unsigned long>(frameOrder[f]), 0);
      if (rgb == nullptr || dimage.getOutputDataSize(bits) < frameBytes) {
        throw Error(ErrorCode::CorruptData,
                    h.path + ": colour frame " + std::to_string(f) + " cannot be rendered");
      }
      std::memcpy(image.bytes().data() + f * frameBytes, rgb, frameBytes);
    }
  }
  image.geometry() = geometry;
  image.setModality(h.modality.empty() ? "OT" : h.modality);
  h.copyTo(image.metadata());
  image.metadata()["source.path"] = h.path;
  image.metadata()["source.format"] = "DICOM";
  if (!monochrome) image.metadata()["PhotometricInterpretation.decoded"] = "RGB";
  return image;
}

}  // namespace medsight
