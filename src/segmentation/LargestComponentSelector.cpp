#include "segmentation/LargestComponentSelector.h"

#include <itkConnectedComponentImageFilter.h>
#include <itkRelabelComponentImageFilter.h>

#include <algorithm>

#include "preprocess/ItkScalarFilterRunner.h"

namespace medsight {
namespace {

// Labels sorted by size (1 = largest) on the mask's grid, and the sizes.
std::pair<Image, std::vector<std::size_t>> relabel(const Image& mask) {
  itk_runner::requireScalarVolume(mask, "connected components");
  Image binary = mask.castTo(PixelType::UInt8);
  for (auto& v : binary.pixels<std::uint8_t>()) v = v != 0;
  std::vector<std::size_t> sizes;
  Image labels;
  auto run = [&](auto view) {
    using In = typename decltype(view)::ObjectType;
    constexpr unsigned D = In::ImageDimension;
    using Labels = itk::Image<std::uint32_t, D>;
    auto cc = itk::ConnectedComponentImageFilter<In, Labels>::New();
    cc->SetInput(view);
    cc->FullyConnectedOn();
    auto rl = itk::RelabelComponentImageFilter<Labels, Labels>::New();
    rl->SetInput(cc->GetOutput());
    rl->Update();
    for (auto s : rl->GetSizeOfObjectsInPixels()) sizes.push_back(s);
    typename Labels::Pointer out = rl->GetOutput();
    labels = fromItkImage<Labels>(out, mask.spatialDimension());
  };
  try {
    itk_runner::withItkView<std::uint8_t>(binary, run);
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::InvalidArgument,
                std::string("connected components: ITK failed: ") + e.GetDescription());
  }
  labels.geometry() = mask.geometry();
  return {std::move(labels), std::move(sizes)};
}

}  // namespace

Image LargestComponentSelector::keep(const Image& mask, int count) {
  auto [labels, sizes] = relabel(mask);
  Image out(PixelType::UInt8, {mask.size().x, mask.size().y, mask.size().z, 1},
            mask.spatialDimension(), 1, mask.geometry());
  out.setModality(mask.modality());
  out.metadata() = mask.metadata();
  const auto l = labels.pixels<std::uint32_t>();
  auto o = out.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < o.size(); ++i) {
    o[i] = l[i] != 0 && l[i] <= static_cast<std::uint32_t>(count);
  }
  return out;
}

std::vector<std::size_t> LargestComponentSelector::componentSizes(const Image& mask) {
  return relabel(mask).second;
}

}  // namespace medsight
