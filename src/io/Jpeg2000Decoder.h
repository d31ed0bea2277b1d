#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace medsight {

/// \brief What the codestream of a decoded JPEG 2000 frame declared (it may disagree with the
/// DICOM header: DICOM PS3.5 8.2.4).
struct Jpeg2000FrameInfo {
  bool isSigned = false;
  int precision = 0;  ///< bits per sample in the codestream
};

/// \brief Decodes one JPEG 2000 frame (PS3.5 A.4.4: a J2K codestream, or a JP2 file that some
/// writers embed instead) with OpenJPEG into native 8- or 16-bit samples, interleaved by pixel.
/// The codestream's size and component count are checked against the DICOM header before any
/// tile is decoded, and every OpenJPEG object is released on every path (the GDCM 3.0.21 codec
/// used before leaked its decoder on corrupt streams and pulled in a CharLS that clashed with
/// DCMTK's JPEG-LS decoder).
class Jpeg2000Decoder {
 public:
  /// \brief Decodes `codestream` into `out`, which must hold width x height x components samples
  /// of `bytesPerSample` (1 or 2) bytes. Throws CorruptData (naming `name`) when the stream is
  /// damaged or does not match the expected geometry, UnsupportedFormat for subsampled
  /// components or precision above 16 bits.
  static Jpeg2000FrameInfo decode(std::span<const std::byte> codestream, std::size_t width,
                                  std::size_t height, int components, int bytesPerSample,
                                  std::span<std::byte> out, const std::string& name);
};

}  // namespace medsight
