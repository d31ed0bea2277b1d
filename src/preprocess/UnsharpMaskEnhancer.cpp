#include "preprocess/UnsharpMaskEnhancer.h"

#include <itkExtractImageFilter.h>
#include <itkImageRegionConstIterator.h>
#include <itkImageRegionIterator.h>
#include <itkUnsharpMaskImageFilter.h>

#include <string>

#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

UnsharpMaskEnhancer::UnsharpMaskEnhancer(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  sigmaMm_ = p.number("sigma_mm", sigmaMm_, 0.01, 100);
  amount_ = p.number("amount", amount_, 0, 10);
  threshold_ = p.number("threshold", threshold_, 0, 1e9);
  p.finish();
}

nlohmann::json UnsharpMaskEnhancer::parameters() const {
  return {{"sigma_mm", sigmaMm_}, {"amount", amount_}, {"threshold", threshold_}};
}

namespace {

/// \brief Runs itk::UnsharpMaskImageFilter on one ITK image (every axis at least 4 voxels long).
template <class T>
typename T::Pointer unsharpMask(const typename T::Pointer& in, double sigmaMm, double amount,
                                double threshold) {
  using Filter = itk::UnsharpMaskImageFilter<T, T, float>;
  auto f = Filter::New();
  typename Filter::SigmaArrayType sigmas;
  sigmas.Fill(sigmaMm);
  f->SetSigmas(sigmas);
  f->SetAmount(static_cast<float>(amount));
  f->SetThreshold(static_cast<float>(threshold));
  f->SetInput(in);
  f->Update();
  typename T::Pointer out = f->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace

nlohmann::json UnsharpMaskEnhancer::apply(PreprocessSubject& subject) const {
  constexpr itk::SizeValueType kMinimumRecursiveGaussianLength = 4;
  bool slicewise = false;
  subject.image = itk_runner::filterFloat(subject.image, "unsharp_mask", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    const auto size = in->GetLargestPossibleRegion().GetSize();
    // In 3D the slice axis may be thin (handled below); every in-plane axis must be long enough.
    const unsigned inPlaneAxes = T::ImageDimension == 3 ? 2 : T::ImageDimension;
    for (unsigned d = 0; d < inPlaneAxes; ++d) {
      if (size[d] < kMinimumRecursiveGaussianLength) {
        throw Error(ErrorCode::InvalidArgument,
                    "unsharp_mask: the image is " + std::to_string(size[d]) +
                        " pixels along axis " + std::to_string(d) + "; the Gaussian blur needs " +
                        std::to_string(kMinimumRecursiveGaussianLength));
      }
    }
    if constexpr (T::ImageDimension == 3) {
      // The recursive Gaussian inside the ITK filter needs at least 4 voxels along every axis;
      // a thin stack (a few thick slices) is sharpened in-plane, slice by slice, instead.
      if (size[2] < kMinimumRecursiveGaussianLength) {
        slicewise = true;
        using Slice = itk::Image<float, 2>;
        auto out = T::New();
        out->CopyInformation(in);
        out->SetRegions(in->GetLargestPossibleRegion());
        out->Allocate();
        for (itk::SizeValueType z = 0; z < size[2]; ++z) {
          typename T::RegionType sliceRegion = in->GetLargestPossibleRegion();
          sliceRegion.SetIndex(2, sliceRegion.GetIndex(2) + static_cast<itk::IndexValueType>(z));
          sliceRegion.SetSize(2, 0);
          auto extract = itk::ExtractImageFilter<T, Slice>::New();
          extract->SetInput(in);
          extract->SetExtractionRegion(sliceRegion);
          extract->SetDirectionCollapseToSubmatrix();
          extract->Update();
          const Slice::Pointer sharpened =
              unsharpMask<Slice>(extract->GetOutput(), sigmaMm_, amount_, threshold_);
          sliceRegion.SetSize(2, 1);
          itk::ImageRegionConstIterator<Slice> src(sharpened,
                                                   sharpened->GetLargestPossibleRegion());
          itk::ImageRegionIterator<T> dst(out, sliceRegion);
          for (; !src.IsAtEnd(); ++src, ++dst) dst.Set(src.Get());
        }
        return out;
      }
    }
    return unsharpMask<T>(in, sigmaMm_, amount_, threshold_);
  });
  nlohmann::json details = nlohmann::json::object();
  if (slicewise) details["slicewise"] = true;
  return details;
}

}  // namespace medsight
