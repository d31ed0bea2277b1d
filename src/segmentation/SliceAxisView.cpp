#include "segmentation/SliceAxisView.h"

#include <cstring>
#include <string>

#include "core/Error.h"

namespace medsight {

SliceAxisView::SliceAxisView(int sliceAxis) {
  if (sliceAxis < 0 || sliceAxis > 2) {
    throw Error(ErrorCode::InvalidConfiguration,
                "slice axis must be 0, 1 or 2 (image axis read as slices), got " +
                    std::to_string(sliceAxis));
  }
  int next = 0;
  for (int a = 0; a < 3; ++a) {
    if (a != sliceAxis) order_[next++] = a;
  }
  order_[2] = sliceAxis;
}

Image SliceAxisView::permuted(const Image& image, const std::array<int, 3>& order) {
  if (image.spatialDimension() != 3 || image.size().t != 1) {
    throw Error(ErrorCode::InvalidArgument,
                "slice axis view: needs a single-frame 3D volume, got a " +
                    std::to_string(image.spatialDimension()) + "D image with " +
                    std::to_string(image.size().t) + " frame(s)");
  }
  const std::array<std::size_t, 3> in{image.size().x, image.size().y, image.size().z};
  const std::array<std::size_t, 3> out{in[order[0]], in[order[1]], in[order[2]]};
  ImageGeometry g = image.geometry();
  for (int i = 0; i < 3; ++i) {
    g.spacing[i] = image.geometry().spacing[order[i]];
    for (int r = 0; r < 3; ++r)
      g.direction[r * 3 + i] = image.geometry().direction[r * 3 + order[i]];
  }
  Image result(image.pixelType(), ImageSize{out[0], out[1], out[2], 1}, 3, image.components(), g);
  result.setModality(image.modality());
  result.metadata() = image.metadata();
  // Byte copy per voxel: any pixel type and component count.
  const std::size_t voxelBytes = bytesPerSample(image.pixelType()) * image.components();
  std::array<std::size_t, 3> stride{};  // input stride (in voxels) of each output axis
  const std::array<std::size_t, 3> inStride{1, in[0], in[0] * in[1]};
  for (int i = 0; i < 3; ++i) stride[i] = inStride[order[i]];
  const std::byte* src = image.bytes().data();
  std::byte* dst = result.bytes().data();
  for (std::size_t z = 0; z < out[2]; ++z) {
    for (std::size_t y = 0; y < out[1]; ++y) {
      const std::size_t base = z * stride[2] + y * stride[1];
      for (std::size_t x = 0; x < out[0]; ++x, dst += voxelBytes) {
        std::memcpy(dst, src + (base + x * stride[0]) * voxelBytes, voxelBytes);
      }
    }
  }
  return result;
}

Image SliceAxisView::toView(const Image& image) const {
  return permuted(image, order_);
}

Image SliceAxisView::fromView(const Image& view, const Image& original) const {
  std::array<int, 3> inverse{};
  for (int i = 0; i < 3; ++i) inverse[order_[i]] = i;
  Image back = permuted(view, inverse);
  if (back.size().x != original.size().x || back.size().y != original.size().y ||
      back.size().z != original.size().z) {
    throw Error(ErrorCode::GeometryMismatch,
                "slice axis view: the view is not on the original volume's grid");
  }
  back.geometry() = original.geometry();
  return back;
}

}  // namespace medsight
