#pragma once

// Private to src/preprocess, src/registration and src/segmentation .cpp files: runs an ITK
// filter on a scalar 2D or 3D Image through the zero-copy bridge, dispatching on dimension.

#include <cmath>
#include <string>
#include <type_traits>

#include "core/Error.h"
#include "core/ItkImageBridge.h"
#include "preprocess/ItkLogWindow.h"

namespace medsight::itk_runner {

/// \brief Checks that `image` is a single-frame scalar 2D/3D image (what ITK filters here take).
inline void requireScalarVolume(const Image& image, const std::string& context) {
  if (image.empty()) throw Error(ErrorCode::EmptyInput, context + ": the image has no pixels");
  if (image.components() != 1) {
    throw Error(ErrorCode::PixelTypeMismatch, context + ": needs a grey-level image, got " +
                                                  std::to_string(image.components()) +
                                                  " components per pixel");
  }
  if (image.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument, context + ": needs one frame, the image has " +
                                                std::to_string(image.size().t) +
                                                " (select a frame first)");
  }
}

/// \brief The image as Float32 (shares pixels when already Float32, else one converted copy).
inline Image asFloat32(const Image& image) {
  return image.pixelType() == PixelType::Float32 ? image : image.castTo(PixelType::Float32);
}

/// \brief Calls `fn(itkImagePointer)` with a zero-copy itk::Image<TPixel, D> view, D = 2 or 3.
template <class TPixel, class Fn>
decltype(auto) withItkView(const Image& image, Fn&& fn) {
  ItkLogWindow::install();
  if (image.spatialDimension() == 2) return fn(toItkImage<TPixel, 2>(image));
  return fn(toItkImage<TPixel, 3>(image));
}

/// \brief Wraps a filter output as an Image that keeps the input's modality and metadata, and
/// the input's exact geometry when the grid is unchanged (so a 2D slice lying obliquely in
/// patient space keeps its 3D geometry, which 2D ITK cannot hold).
template <class TItkImage>
Image adoptOutput(const typename TItkImage::Pointer& out, const Image& input) {
  Image result = fromItkImage<TItkImage>(out, input.spatialDimension());
  bool sameGrid = result.size() == input.size();
  for (int i = 0; sameGrid && i < input.spatialDimension(); ++i) {
    sameGrid = std::abs(result.geometry().spacing[i] - input.geometry().spacing[i]) < 1e-6 &&
               std::abs(result.geometry().origin[i] - input.geometry().origin[i]) < 1e-6;
  }
  if (sameGrid) result.geometry() = input.geometry();
  result.setModality(input.modality());
  result.metadata() = input.metadata();
  return result;
}

/// \brief Runs `fn` (ITK float image pointer -> ITK float image pointer of the same type) on a
/// Float32 copy/view of `image` and returns the result as an Image.
template <class Fn>
Image filterFloat(const Image& image, const std::string& context, Fn&& fn) {
  requireScalarVolume(image, context);
  const Image input = asFloat32(image);
  try {
    if (input.spatialDimension() == 2) {
      using T = itk::Image<float, 2>;
      typename T::Pointer out = fn(toItkImage<float, 2>(input));
      return adoptOutput<T>(out, image);
    }
    using T = itk::Image<float, 3>;
    typename T::Pointer out = fn(toItkImage<float, 3>(input));
    return adoptOutput<T>(out, image);
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::InvalidArgument, context + ": ITK failed: " + e.GetDescription());
  }
}

}  // namespace medsight::itk_runner
