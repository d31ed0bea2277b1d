#pragma once

// Zero-copy bridges between medsight::Image and ITK images. Header-only (templates); include it
// only in translation units that already use ITK, so ITK stays out of widely included headers.

#include <itkImage.h>
#include <itkImportImageContainer.h>
#include <itkMetaDataObject.h>
#include <itkVectorImage.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>

#include "core/Image.h"

namespace medsight {

/// \brief Holds an Image buffer alive inside an ITK object's metadata dictionary.
struct ItkBufferKeepAlive {
  std::shared_ptr<std::byte> buffer;
};
/// \brief ITK's MetaDataObject prints its values; the keep-alive prints nothing useful.
inline std::ostream& operator<<(std::ostream& os, const ItkBufferKeepAlive&) {
  return os << "[medsight buffer]";
}

/// \brief Full 3D geometry of a 2D image, kept in ITK metadata so a 2D slice that lies obliquely
/// in patient space (its direction has z components) survives a round trip through 2D ITK.
struct ItkGeometryNote {
  ImageGeometry geometry;  ///< the full geometry of the medsight image
  ImageGeometry written;   ///< the geometry as ITK was given it (to detect later changes)
  std::string modality;
};
/// \brief Printing for ITK's MetaDataObject.
inline std::ostream& operator<<(std::ostream& os, const ItkGeometryNote&) {
  return os << "[medsight geometry]";
}

namespace itk_bridge_detail {

inline constexpr const char* kKeepAliveKey = "medsight.buffer";
inline constexpr const char* kGeometryKey = "medsight.geometry";

template <unsigned D>
void checkDimension(const Image& image) {
  static_assert(D >= 2 && D <= 4, "ITK bridge supports 2D, 3D and 3D+t images");
  const bool ok = (D == 2 && image.spatialDimension() == 2 && image.size().t == 1) ||
                  (D == 3 && image.size().t == 1) ||
                  (D == 3 && image.spatialDimension() == 2) ||  // 2D + t as a 3D ITK image
                  (D == 4 && image.spatialDimension() == 3);
  if (!ok) {
    throw Error(ErrorCode::InvalidArgument,
                "cannot view a " + std::to_string(image.spatialDimension()) + "D image with " +
                    std::to_string(image.size().t) + " frames as a " + std::to_string(D) +
                    "D ITK image");
  }
}

template <class TItkImage>
ImageGeometry readItkGeometryRaw(const TItkImage* in, int spatialDimension) {
  constexpr unsigned D = TItkImage::ImageDimension;
  ImageGeometry g;
  const unsigned spatial = std::min<unsigned>(D, static_cast<unsigned>(spatialDimension));
  for (unsigned i = 0; i < spatial; ++i) {
    g.spacing[i] = in->GetSpacing()[i];
    g.origin[i] = in->GetOrigin()[i];
    for (unsigned c = 0; c < spatial; ++c) {
      g.direction[i * 3 + c] = in->GetDirection()[i][c];
    }
  }
  if (D > static_cast<unsigned>(spatialDimension)) g.frameInterval = in->GetSpacing()[D - 1];
  return g;
}

template <class TItkImage>
ImageGeometry readItkGeometry(const TItkImage* in, int spatialDimension, std::string* modality) {
  constexpr unsigned D = TItkImage::ImageDimension;
  ImageGeometry g = readItkGeometryRaw(in, spatialDimension);
  // Restore the full 3D geometry of a 2D image when ITK's geometry is still what we wrote
  // (a filter that resampled or cropped changes it, and then ITK's own values are right).
  ItkGeometryNote note;
  if (itk::ExposeMetaData<ItkGeometryNote>(in->GetMetaDataDictionary(), kGeometryKey, note)) {
    if (g.approxEqual(note.written, 1e-9)) {
      const double interval = g.frameInterval;
      g = note.geometry;
      if (D > static_cast<unsigned>(spatialDimension)) g.frameInterval = interval;
    }
    if (modality) *modality = note.modality;
  }
  return g;
}

template <class TItkImage, unsigned D>
void setItkGeometry(TItkImage* out, const Image& image) {
  typename TItkImage::SizeType size;
  const std::size_t extents[4] = {image.size().x, image.size().y,
                                  image.spatialDimension() == 3 ? image.size().z : image.size().t,
                                  image.size().t};
  for (unsigned i = 0; i < D; ++i) size[i] = extents[i];
  typename TItkImage::RegionType region;
  region.SetSize(size);
  out->SetRegions(region);

  const ImageGeometry& g = image.geometry();
  typename TItkImage::SpacingType spacing;
  typename TItkImage::PointType origin;
  typename TItkImage::DirectionType direction;
  direction.SetIdentity();
  for (unsigned i = 0; i < D; ++i) {
    if (i < 3 && (i < 2 || image.spatialDimension() == 3)) {
      spacing[i] = g.spacing[i];
      origin[i] = g.origin[i];
    } else {
      // The extra axis is time: ITK wants a positive spacing; seconds between frames or 1.
      spacing[i] = g.frameInterval > 0 ? g.frameInterval : 1.0;
      origin[i] = 0.0;
    }
  }
  const unsigned spatial = std::min<unsigned>(D, static_cast<unsigned>(image.spatialDimension()));
  for (unsigned r = 0; r < spatial; ++r) {
    for (unsigned c = 0; c < spatial; ++c) direction[r][c] = g.direction[r * 3 + c];
  }
  // A 2D slice in a sagittal or coronal plane has a singular in-plane 2x2 block, which ITK
  // refuses; it then gets an identity direction and the full geometry travels in the note.
  if (spatial == 2 &&
      std::abs(direction[0][0] * direction[1][1] - direction[0][1] * direction[1][0]) < 1e-6) {
    for (unsigned r = 0; r < 2; ++r) {
      for (unsigned c = 0; c < 2; ++c) direction[r][c] = r == c ? 1.0 : 0.0;
    }
  }
  out->SetSpacing(spacing);
  out->SetOrigin(origin);
  out->SetDirection(direction);
  ItkGeometryNote note{g, readItkGeometryRaw(out, image.spatialDimension()), image.modality()};
  itk::EncapsulateMetaData<ItkGeometryNote>(out->GetMetaDataDictionary(), kGeometryKey, note);
}

template <class TItkImage>
ImageSize readItkSize(const TItkImage* in, int spatialDimension) {
  constexpr unsigned D = TItkImage::ImageDimension;
  const auto s = in->GetLargestPossibleRegion().GetSize();
  ImageSize size;
  size.x = s[0];
  size.y = s[1];
  if (D >= 3) {
    if (spatialDimension == 3)
      size.z = s[2];
    else
      size.t = s[2];
  }
  if (D == 4) size.t = s[3];
  return size;
}

}  // namespace itk_bridge_detail

/// \brief Zero-copy view of a scalar Image as itk::Image<TPixel, D>. The view keeps the buffer
/// alive; writes through it change the Image. D = 2 (2D), 3 (3D, or 2D+t) or 4 (3D+t).
template <class TPixel, unsigned D>
typename itk::Image<TPixel, D>::Pointer toItkImage(const Image& image) {
  using ItkImage = itk::Image<TPixel, D>;
  itk_bridge_detail::checkDimension<D>(image);
  if (image.pixelType() != pixelTypeOf<TPixel>() || image.components() != 1) {
    throw Error(ErrorCode::PixelTypeMismatch,
                "ITK view needs a scalar " + std::string(pixelTypeName(pixelTypeOf<TPixel>())) +
                    " image, got " + std::to_string(image.components()) + "-component " +
                    std::string(pixelTypeName(image.pixelType())));
  }
  auto out = ItkImage::New();
  itk_bridge_detail::setItkGeometry<ItkImage, D>(out.GetPointer(), image);
  auto container = ItkImage::PixelContainer::New();
  container->SetImportPointer(reinterpret_cast<TPixel*>(image.sharedBuffer().get()),
                              image.sampleCount(), false);
  out->SetPixelContainer(container);
  itk::EncapsulateMetaData<ItkBufferKeepAlive>(out->GetMetaDataDictionary(),
                                               itk_bridge_detail::kKeepAliveKey,
                                               ItkBufferKeepAlive{image.sharedBuffer()});
  return out;
}

/// \brief Zero-copy view of a multi-component Image (e.g. RGB) as itk::VectorImage<TPixel, D>.
template <class TPixel, unsigned D>
typename itk::VectorImage<TPixel, D>::Pointer toItkVectorImage(const Image& image) {
  using ItkImage = itk::VectorImage<TPixel, D>;
  itk_bridge_detail::checkDimension<D>(image);
  if (image.pixelType() != pixelTypeOf<TPixel>()) {
    throw Error(ErrorCode::PixelTypeMismatch, "ITK vector view: pixel type differs");
  }
  auto out = ItkImage::New();
  out->SetNumberOfComponentsPerPixel(static_cast<unsigned>(image.components()));
  itk_bridge_detail::setItkGeometry<ItkImage, D>(out.GetPointer(), image);
  auto container = ItkImage::PixelContainer::New();
  container->SetImportPointer(reinterpret_cast<TPixel*>(image.sharedBuffer().get()),
                              image.sampleCount(), false);
  out->SetPixelContainer(container);
  itk::EncapsulateMetaData<ItkBufferKeepAlive>(out->GetMetaDataDictionary(),
                                               itk_bridge_detail::kKeepAliveKey,
                                               ItkBufferKeepAlive{image.sharedBuffer()});
  return out;
}

/// \brief Wraps an ITK scalar or vector image as an Image without copying (the Image keeps the
/// ITK buffer alive). `spatialDimension` tells whether a 3D ITK image is 3D space (3) or 2D+t (2).
template <class TItkImage>
Image fromItkImage(const typename TItkImage::Pointer& in, int spatialDimension = -1) {
  constexpr unsigned D = TItkImage::ImageDimension;
  static_assert(D >= 2 && D <= 4, "ITK bridge supports 2D, 3D and 3D+t images");
  if (!in) throw Error(ErrorCode::Internal, "fromItkImage: null ITK image");
  if (spatialDimension < 0) spatialDimension = D == 2 ? 2 : 3;
  using Internal = typename TItkImage::InternalPixelType;
  if (in->GetBufferedRegion() != in->GetLargestPossibleRegion()) {
    throw Error(ErrorCode::Internal, "fromItkImage: ITK image is not fully buffered");
  }
  const ImageSize size = itk_bridge_detail::readItkSize(in.GetPointer(), spatialDimension);
  const int components = static_cast<int>(in->GetNumberOfComponentsPerPixel());
  std::string modality;
  const ImageGeometry geometry =
      itk_bridge_detail::readItkGeometry(in.GetPointer(), spatialDimension, &modality);
  typename TItkImage::Pointer keep = in;
  auto* raw = reinterpret_cast<std::byte*>(in->GetBufferPointer());
  std::shared_ptr<std::byte> buffer(raw, [keep](std::byte*) mutable { keep = nullptr; });
  const std::size_t bytes =
      size.x * size.y * size.z * size.t * static_cast<std::size_t>(components) * sizeof(Internal);
  Image out = Image::adopt(std::move(buffer), bytes, pixelTypeOf<Internal>(), size,
                           spatialDimension, components, geometry);
  out.setModality(modality);
  return out;
}

}  // namespace medsight
