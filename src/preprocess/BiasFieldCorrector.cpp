#include "preprocess/BiasFieldCorrector.h"

#include <itkBSplineControlPointImageFilter.h>
#include <itkImageRegionConstIterator.h>
#include <itkImageRegionIterator.h>
#include <itkN4BiasFieldCorrectionImageFilter.h>
#include <itkShrinkImageFilter.h>

#include <algorithm>
#include <cmath>

#include "preprocess/IntensityStatistics.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/OtsuThresholds.h"
#include "preprocess/StepParameterReader.h"

namespace medsight {

BiasFieldCorrector::BiasFieldCorrector(const nlohmann::json& step, const std::string& context) {
  StepParameterReader p(step, context);
  shrinkFactor_ = p.integer("shrink_factor", shrinkFactor_, 1, 16);
  iterations_ = p.integers("iterations", iterations_, 1, 1000);
  convergence_ = p.number("convergence", convergence_, 0, 1);
  controlPoints_ = p.integer("control_points", controlPoints_, 4, 64);
  mask_ = p.choice("mask", mask_, {"otsu", "mask", "all"});
  p.finish();
}

nlohmann::json BiasFieldCorrector::parameters() const {
  return {{"shrink_factor", shrinkFactor_},
          {"iterations", iterations_},
          {"convergence", convergence_},
          {"control_points", controlPoints_},
          {"mask", mask_}};
}

nlohmann::json BiasFieldCorrector::apply(PreprocessSubject& subject) const {
  itk_runner::requireScalarVolume(subject.image, "n4_bias_correction");
  const Image input = itk_runner::asFloat32(subject.image);

  // Foreground where the field is fitted: log intensities need positive values.
  Image fitMask(PixelType::UInt8, input.size(), input.spatialDimension(), 1, input.geometry());
  {
    const auto px = input.pixels<float>();
    auto mk = fitMask.pixels<std::uint8_t>();
    double threshold = 0.0;
    if (mask_ == "otsu") {
      // Background | soft tissue | fat: on T1 MR a 2-class Otsu cut falls between soft tissue
      // and fat, leaving only fat (and none of a tumour) to fit the field on. The lower
      // 3-class cut separates the body from the background, as N4 expects.
      threshold =
          OtsuThresholds::compute(IntensityStatistics::collect(input, nullptr, 200000), 3)[0];
    }
    std::span<const std::uint8_t> given;
    Image givenMask;
    if (mask_ == "mask") {
      if (!subject.mask) {
        throw Error(ErrorCode::InvalidArgument,
                    "n4_bias_correction: mask \"mask\" needs a mask with the image");
      }
      givenMask = subject.mask->castTo(PixelType::UInt8);
      given = givenMask.pixels<std::uint8_t>();
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < px.size(); ++i) {
      const bool in = px[i] > 0 && px[i] > threshold && (given.empty() || given[i] != 0);
      mk[i] = in ? 1 : 0;
      n += in;
    }
    if (n < 100) {
      throw Error(ErrorCode::EmptyInput,
                  "n4_bias_correction: fewer than 100 positive foreground voxels to fit a field "
                  "(is this an MR magnitude image?)");
    }
  }

  double fieldMin = 0.0, fieldMax = 0.0, convergenceReached = 0.0;
  unsigned elapsed = 0;
  subject.image = itk_runner::filterFloat(input, "n4_bias_correction", [&](auto in) {
    using T = typename decltype(in)::ObjectType;
    constexpr unsigned D = T::ImageDimension;
    using MaskImage = itk::Image<std::uint8_t, D>;
    auto maskView = toItkImage<std::uint8_t, D>(fitMask);

    auto shrinkImage = itk::ShrinkImageFilter<T, T>::New();
    shrinkImage->SetInput(in);
    auto shrinkMask = itk::ShrinkImageFilter<MaskImage, MaskImage>::New();
    shrinkMask->SetInput(maskView);
    for (unsigned i = 0; i < D; ++i) {
      // Never shrink an axis below a handful of voxels (thick-slice volumes).
      const auto extent = in->GetLargestPossibleRegion().GetSize()[i];
      const unsigned f = static_cast<unsigned>(
          std::max<long>(1, std::min<long>(shrinkFactor_, static_cast<long>(extent) / 8)));
      shrinkImage->SetShrinkFactor(i, f);
      shrinkMask->SetShrinkFactor(i, f);
    }
    shrinkImage->Update();
    shrinkMask->Update();

    using N4 = itk::N4BiasFieldCorrectionImageFilter<T, MaskImage, T>;
    auto n4 = N4::New();
    n4->SetInput(shrinkImage->GetOutput());
    n4->SetMaskImage(shrinkMask->GetOutput());
    n4->SetMaskLabel(1);
    typename N4::VariableSizeArrayType iters(static_cast<unsigned>(iterations_.size()));
    for (std::size_t i = 0; i < iterations_.size(); ++i) {
      iters[static_cast<unsigned>(i)] = static_cast<unsigned>(iterations_[i]);
    }
    n4->SetMaximumNumberOfIterations(iters);
    n4->SetNumberOfFittingLevels(static_cast<unsigned>(iterations_.size()));
    n4->SetConvergenceThreshold(static_cast<float>(convergence_));
    typename N4::ArrayType cps;
    cps.Fill(static_cast<unsigned>(controlPoints_));
    n4->SetNumberOfControlPoints(cps);
    n4->Update();
    elapsed = n4->GetElapsedIterations();
    convergenceReached = n4->GetCurrentConvergenceMeasurement();

    // Rebuild the log field on the full-resolution grid from the control-point lattice.
    using Lattice = typename N4::BiasFieldControlPointLatticeType;
    using ScalarImage = typename N4::ScalarImageType;
    auto bspline = itk::BSplineControlPointImageFilter<Lattice, ScalarImage>::New();
    bspline->SetInput(n4->GetLogBiasFieldControlPointLattice());
    bspline->SetSplineOrder(n4->GetSplineOrder());
    bspline->SetSize(in->GetLargestPossibleRegion().GetSize());
    bspline->SetOrigin(in->GetOrigin());
    bspline->SetSpacing(in->GetSpacing());
    bspline->SetDirection(in->GetDirection());
    bspline->Update();

    auto out = T::New();
    out->CopyInformation(in);
    out->SetRegions(in->GetLargestPossibleRegion());
    out->Allocate();
    itk::ImageRegionConstIterator<T> src(in, in->GetLargestPossibleRegion());
    itk::ImageRegionConstIterator<ScalarImage> field(bspline->GetOutput(),
                                                     in->GetLargestPossibleRegion());
    itk::ImageRegionConstIterator<MaskImage> mk(maskView, in->GetLargestPossibleRegion());
    itk::ImageRegionIterator<T> dst(out, in->GetLargestPossibleRegion());
    fieldMin = 1e300;
    fieldMax = -1e300;
    for (; !dst.IsAtEnd(); ++src, ++field, ++dst, ++mk) {
      const double f = std::exp(static_cast<double>(field.Get()[0]));
      dst.Set(static_cast<float>(src.Get() / f));
      if (mk.Get()) {
        fieldMin = std::min(fieldMin, f);
        fieldMax = std::max(fieldMax, f);
      }
    }
    return out;
  });
  return {{"elapsed_iterations", elapsed},
          {"convergence", convergenceReached},
          {"field_min", fieldMin},
          {"field_max", fieldMax}};
}

}  // namespace medsight
