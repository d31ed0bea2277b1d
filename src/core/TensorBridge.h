#pragma once

// Zero-copy bridges between medsight::Image and LibTorch tensors. Only <ATen/core/Tensor.h> is
// included here (not <torch/torch.h>) to keep this header cheap; it is built into the separate
// medsight_core_torch target so code without LibTorch never pulls it in.

#include <ATen/core/Tensor.h>

#include "core/Image.h"

namespace medsight {

/// \brief How the axes of a tensor map to an Image's axes.
enum class TensorLayout {
  YX,     ///< 2D grey: [rows, columns]
  ZYX,    ///< 3D grey: [slices, rows, columns]
  CYX,    ///< 2D, channels first: [components, rows, columns]
  CZYX,   ///< 3D, channels first
  TZYXC,  ///< the Image memory order: [frames, slices, rows, columns, components]
};

/// \brief Zero-copy [T, Z, Y, X, C] tensor over an Image's pixels; the tensor keeps the buffer
/// alive and writes through it change the Image.
at::Tensor imageTensorView(const Image& image);

/// \brief Tensor in the requested layout: a zero-copy view (possibly permuted, non-contiguous).
/// Throws InvalidArgument when the image has frames or components the layout cannot hold.
at::Tensor imageToTensor(const Image& image, TensorLayout layout);

/// \brief Image over a tensor's data (zero-copy when the tensor is contiguous in Image order,
/// one copy otherwise) with the given geometry and modality.
Image tensorToImage(const at::Tensor& tensor, TensorLayout layout, const ImageGeometry& geometry,
                    const std::string& modality = "");

}  // namespace medsight
