#include "core/TensorBridge.h"

#include <ATen/ATen.h>

namespace medsight {
namespace {

at::ScalarType scalarTypeOf(PixelType type) {
  switch (type) {
    case PixelType::UInt8:
      return at::kByte;
    case PixelType::Int8:
      return at::kChar;
    case PixelType::Int16:
      return at::kShort;
    case PixelType::Int32:
      return at::kInt;
    case PixelType::Float32:
      return at::kFloat;
    case PixelType::Float64:
      return at::kDouble;
    case PixelType::UInt16:
    case PixelType::UInt32:
      break;
  }
  throw Error(ErrorCode::PixelTypeMismatch,
              "LibTorch 1.13 has no " + std::string(pixelTypeName(type)) +
                  " tensors; cast the image first (e.g. to int32 or float32)");
}

PixelType pixelTypeOf(at::ScalarType type) {
  switch (type) {
    case at::kByte:
      return PixelType::UInt8;
    case at::kChar:
      return PixelType::Int8;
    case at::kShort:
      return PixelType::Int16;
    case at::kInt:
      return PixelType::Int32;
    case at::kFloat:
      return PixelType::Float32;
    case at::kDouble:
      return PixelType::Float64;
    default:
      break;
  }
  throw Error(ErrorCode::PixelTypeMismatch,
              std::string("tensor type ") + c10::toString(type) + " has no Image pixel type");
}

}  // namespace

at::Tensor imageTensorView(const Image& image) {
  if (image.empty()) throw Error(ErrorCode::EmptyInput, "cannot view an empty image as a tensor");
  const auto& s = image.size();
  std::vector<int64_t> shape{static_cast<int64_t>(s.t), static_cast<int64_t>(s.z),
                             static_cast<int64_t>(s.y), static_cast<int64_t>(s.x),
                             static_cast<int64_t>(image.components())};
  std::shared_ptr<std::byte> keep = image.sharedBuffer();
  return at::from_blob(
      keep.get(), shape, [keep](void*) mutable { keep.reset(); },
      at::TensorOptions().dtype(scalarTypeOf(image.pixelType())));
}

at::Tensor imageToTensor(const Image& image, TensorLayout layout) {
  at::Tensor t = imageTensorView(image);  // [T, Z, Y, X, C]
  const auto& s = image.size();
  const bool grey = image.components() == 1;
  switch (layout) {
    case TensorLayout::TZYXC:
      return t;
    case TensorLayout::YX:
      if (s.t != 1 || s.z != 1 || !grey) break;
      return t.view({static_cast<int64_t>(s.y), static_cast<int64_t>(s.x)});
    case TensorLayout::ZYX:
      if (s.t != 1 || !grey) break;
      return t.view(
          {static_cast<int64_t>(s.z), static_cast<int64_t>(s.y), static_cast<int64_t>(s.x)});
    case TensorLayout::CYX:
      if (s.t != 1 || s.z != 1) break;
      return t.select(0, 0).select(0, 0).permute({2, 0, 1});
    case TensorLayout::CZYX:
      if (s.t != 1) break;
      return t.select(0, 0).permute({3, 0, 1, 2});
  }
  throw Error(ErrorCode::InvalidArgument,
              "image of size " + std::to_string(s.x) + "x" + std::to_string(s.y) + "x" +
                  std::to_string(s.z) + " with " + std::to_string(s.t) + " frames and " +
                  std::to_string(image.components()) +
                  " components does not fit the requested tensor layout");
}

Image tensorToImage(const at::Tensor& tensor, TensorLayout layout, const ImageGeometry& geometry,
                    const std::string& modality) {
  at::Tensor t = tensor.detach();
  if (t.device().type() != at::kCPU) t = t.to(at::kCPU);
  // Bring every layout to the Image order [T, Z, Y, X, C].
  int spatial = 3;
  switch (layout) {
    case TensorLayout::YX:
      if (t.dim() != 2) break;
      t = t.unsqueeze(0).unsqueeze(0).unsqueeze(-1);
      spatial = 2;
      break;
    case TensorLayout::ZYX:
      if (t.dim() != 3) break;
      t = t.unsqueeze(0).unsqueeze(-1);
      break;
    case TensorLayout::CYX:
      if (t.dim() != 3) break;
      t = t.permute({1, 2, 0}).unsqueeze(0).unsqueeze(0);
      spatial = 2;
      break;
    case TensorLayout::CZYX:
      if (t.dim() != 4) break;
      t = t.permute({1, 2, 3, 0}).unsqueeze(0);
      break;
    case TensorLayout::TZYXC:
      if (t.dim() != 5) break;
      if (t.size(1) == 1) spatial = 2;
      break;
  }
  if (t.dim() != 5) {
    throw Error(ErrorCode::InvalidArgument,
                "tensor with " + std::to_string(tensor.dim()) + " axes does not match the layout");
  }
  t = t.contiguous();
  const PixelType type = pixelTypeOf(t.scalar_type());
  ImageSize size{static_cast<std::size_t>(t.size(3)), static_cast<std::size_t>(t.size(2)),
                 static_cast<std::size_t>(t.size(1)), static_cast<std::size_t>(t.size(0))};
  auto* raw = static_cast<std::byte*>(t.data_ptr());
  std::shared_ptr<std::byte> buffer(raw, [t](std::byte*) mutable { t = at::Tensor(); });
  Image image = Image::adopt(std::move(buffer), static_cast<std::size_t>(t.nbytes()), type, size,
                             spatial, static_cast<int>(t.size(4)), geometry);
  image.setModality(modality);
  return image;
}

}  // namespace medsight
