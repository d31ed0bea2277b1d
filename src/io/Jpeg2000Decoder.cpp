#include "io/Jpeg2000Decoder.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/Error.h"

namespace medsight {
namespace {

struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};

/// In-memory source for opj_stream_t (OpenJPEG reads through callbacks).
struct MemorySource {
  std::span<const std::byte> bytes;
  std::size_t position = 0;
};

OPJ_SIZE_T readBytes(void* buffer, OPJ_SIZE_T count, void* user) {
  auto* s = static_cast<MemorySource*>(user);
  const std::size_t left = s->bytes.size() - s->position;
  if (left == 0) return static_cast<OPJ_SIZE_T>(-1);  // end of stream, as OpenJPEG expects
  const std::size_t n = std::min<std::size_t>(count, left);
  std::memcpy(buffer, s->bytes.data() + s->position, n);
  s->position += n;
  return n;
}

OPJ_OFF_T skipBytes(OPJ_OFF_T count, void* user) {
  auto* s = static_cast<MemorySource*>(user);
  if (count < 0) {
    const auto back = std::min<std::size_t>(static_cast<std::size_t>(-count), s->position);
    s->position -= back;
    return -static_cast<OPJ_OFF_T>(back);
  }
  const auto forward =
      std::min<std::size_t>(static_cast<std::size_t>(count), s->bytes.size() - s->position);
  s->position += forward;
  return static_cast<OPJ_OFF_T>(forward);
}

OPJ_BOOL seekBytes(OPJ_OFF_T offset, void* user) {
  auto* s = static_cast<MemorySource*>(user);
  if (offset < 0 || static_cast<std::size_t>(offset) > s->bytes.size()) return OPJ_FALSE;
  s->position = static_cast<std::size_t>(offset);
  return OPJ_TRUE;
}

/// Keeps OpenJPEG's last error message for our exception instead of printing it.
void keepMessage(const char* message, void* user) {
  if (message != nullptr) {
    std::string& last = *static_cast<std::string*>(user);
    last = message;
    while (!last.empty() && (last.back() == '\n' || last.back() == ' ')) last.pop_back();
  }
}
void ignoreMessage(const char*, void*) {}

bool isJp2File(std::span<const std::byte> b) {
  // JP2 signature box (ISO/IEC 15444-1 I.5.1): length 12, type 'jP  '.
  static constexpr unsigned char kSignature[8] = {0, 0, 0, 12, 'j', 'P', ' ', ' '};
  return b.size() >= 8 && std::memcmp(b.data(), kSignature, 8) == 0;
}

template <class T>
void store(const opj_image_t& image, int components, std::size_t pixels, std::byte* out) {
  T* dst = reinterpret_cast<T*>(out);
  for (int c = 0; c < components; ++c) {
    const OPJ_INT32* src = image.comps[c].data;
    for (std::size_t i = 0; i < pixels; ++i) {
      dst[i * static_cast<std::size_t>(components) + static_cast<std::size_t>(c)] =
          static_cast<T>(src[i]);
    }
  }
}

}  // namespace

Jpeg2000FrameInfo Jpeg2000Decoder::decode(std::span<const std::byte> codestream, std::size_t width,
                                          std::size_t height, int components, int bytesPerSample,
                                          std::span<std::byte> out, const std::string& name) {
  const std::size_t pixels = width * height;
  if (out.size() != pixels * static_cast<std::size_t>(components * bytesPerSample)) {
    throw Error(ErrorCode::Internal, name + ": JPEG 2000 output buffer has the wrong size");
  }
  std::string lastError;
  auto fail = [&](const std::string& what) {
    throw Error(ErrorCode::CorruptData,
                name + ": JPEG 2000 " + what + (lastError.empty() ? "" : " (" + lastError + ")"));
  };
  MemorySource source{codestream, 0};
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(
      opj_create_decompress(isJp2File(codestream) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(1 << 16, OPJ_TRUE));
  if (!codec || !stream) throw Error(ErrorCode::Internal, name + ": cannot create a decoder");
  opj_set_error_handler(codec.get(), keepMessage, &lastError);
  opj_set_warning_handler(codec.get(), ignoreMessage, nullptr);
  opj_set_info_handler(codec.get(), ignoreMessage, nullptr);
  opj_stream_set_user_data(stream.get(), &source, nullptr);
  opj_stream_set_user_data_length(stream.get(), codestream.size());
  opj_stream_set_read_function(stream.get(), readBytes);
  opj_stream_set_skip_function(stream.get(), skipBytes);
  opj_stream_set_seek_function(stream.get(), seekBytes);

  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!opj_setup_decoder(codec.get(), &parameters)) fail("decoder setup failed");
  opj_image_t* rawImage = nullptr;
  const bool headerRead = opj_read_header(stream.get(), codec.get(), &rawImage);
  std::unique_ptr<opj_image_t, ImageDeleter> image(rawImage);
  if (!headerRead || !image) fail("header cannot be read");

  // Refuse a stream whose declared size differs from Rows/Columns before decoding any tile:
  // OpenJPEG would otherwise allocate whatever the codestream's SIZ marker asks for.
  const std::size_t w = image->x1 - image->x0, h = image->y1 - image->y0;
  if (image->x1 < image->x0 || image->y1 < image->y0 || w != width || h != height) {
    fail("codestream is " + std::to_string(w) + "x" + std::to_string(h) + ", the header says " +
         std::to_string(width) + "x" + std::to_string(height));
  }
  if (image->numcomps != static_cast<OPJ_UINT32>(components)) {
    fail("codestream has " + std::to_string(image->numcomps) + " components, the header " +
         std::to_string(components));
  }
  for (int c = 0; c < components; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (comp.dx != 1 || comp.dy != 1) {
      throw Error(ErrorCode::UnsupportedFormat, name + ": subsampled JPEG 2000 components");
    }
    if (comp.prec < 1 || comp.prec > static_cast<OPJ_UINT32>(8 * bytesPerSample) ||
        comp.prec > 16) {
      throw Error(ErrorCode::UnsupportedFormat,
                  name + ": JPEG 2000 precision " + std::to_string(comp.prec) +
                      " bits does not fit Bits Allocated " + std::to_string(8 * bytesPerSample));
    }
  }
  if (!opj_decode(codec.get(), stream.get(), image.get()) ||
      !opj_end_decompress(codec.get(), stream.get())) {
    fail("pixel data cannot be decoded");
  }
  Jpeg2000FrameInfo info;
  info.isSigned = image->comps[0].sgnd != 0;
  info.precision = static_cast<int>(image->comps[0].prec);
  for (int c = 0; c < components; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (comp.data == nullptr || comp.w != width || comp.h != height)
      fail("component is incomplete");
    if ((comp.sgnd != 0) != info.isSigned) fail("components differ in signedness");
  }
  if (bytesPerSample == 1) {
    if (info.isSigned) {
      store<std::int8_t>(*image, components, pixels, out.data());
    } else {
      store<std::uint8_t>(*image, components, pixels, out.data());
    }
  } else if (info.isSigned) {
    store<std::int16_t>(*image, components, pixels, out.data());
  } else {
    store<std::uint16_t>(*image, components, pixels, out.data());
  }
  return info;
}

}  // namespace medsight
