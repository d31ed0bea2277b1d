#include "registration/ImageRegistration.h"

#include <itkAffineTransform.h>
#include <itkBSplineTransform.h>
#include <itkBSplineTransformInitializer.h>
#include <itkCenteredTransformInitializer.h>
#include <itkEuler3DTransform.h>
#include <itkGradientDescentOptimizerv4.h>
#include <itkImageMaskSpatialObject.h>
#include <itkImageRegionIteratorWithIndex.h>
#include <itkImageRegistrationMethod.h>
#include <itkImageRegistrationMethodv4.h>
#include <itkLBFGSBOptimizer.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkMattesMutualInformationImageToImageMetric.h>
#include <itkMattesMutualInformationImageToImageMetricv4.h>
#include <itkMultiThreaderBase.h>
#include <itkNearestNeighborExtrapolateImageFunction.h>
#include <itkRegistrationParameterScalesFromPhysicalShift.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>
#include <itkThreadedImageRegionPartitioner.h>
#include <itkThreadedIndexedContainerPartitioner.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "core/Error.h"
#include "core/NumberText.h"
#include "core/ParallelFor.h"
#include "preprocess/ItkLogWindow.h"
#include "preprocess/ItkScalarFilterRunner.h"
#include "preprocess/MaskComparison.h"
#include "registration/ItkTransformChain.h"

namespace medsight {
namespace {

using ImageT = itk::Image<float, 3>;

using StockMattes = itk::MattesMutualInformationImageToImageMetricv4<ImageT, ImageT>;

/// The number of work units every stage's metric splits its samples into, whatever the thread
/// count: with the split fixed, the sums are the same on 1 or 64 threads.
constexpr unsigned kMetricWorkUnits = 16;
/// A step this many times the stage's max_step_mm is a runaway and is undone.
constexpr double kRunawayStepFactor = 10.0;
/// How many times the chance-level mutual information aligned images must share at least. On
/// the 44 MR-to-CT and PET-to-CT pairs of the STS cohort the lowest ratio was 24.7 (median
/// above 50); two volumes of smoothed noise that "converged" reached 2.3 and 3.6.
constexpr double kSharedInformationFactor = 5.0;

/// Mattes mutual information (Mattes et al. 2003) whose sums do not depend on thread timing.
/// ITK 5.2's v4 metric splits its samples into work units (as many as ITK's multithreader
/// wants: 8 on 2 threads) and, for a rigid or affine transform, adds each unit's joint-histogram
/// derivatives into one shared array whenever the unit wins a try-lock, so the order of the sums,
/// and with it the last digits of every step, followed thread timing; the B-spline stage's line
/// search amplified that (three runs of one MR -> CT pair: MI -0.6688, -0.6665, -0.6657). Here
/// the samples are split into a fixed number of work units, each unit adds into its own array,
/// and the arrays are added up in unit order once all units are done: bit-identical from run to
/// run and across thread counts, and still parallel (settings' `reproducible`, the default).
class OrderedMattes : public StockMattes {
 public:
  using Self = OrderedMattes;
  using Superclass = StockMattes;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);
  itkTypeMacro(OrderedMattes, MattesMutualInformationImageToImageMetricv4);

  /// \brief Splits the samples into `workUnits` units whose sums are added in a fixed order.
  void sumInFixedOrder(unsigned workUnits);

  /// \brief Points each work unit's derivative buffer at an array of its own (threader hook).
  void giveEachWorkUnitItsOwnDerivatives(itk::ThreadIdType workUnits);

 protected:
  OrderedMattes() = default;

  /// Adds the work units' derivative arrays, in unit order, into the one ITK's metric reads.
  void GetValueCommonAfterThreadedExecution() override;

 private:
  /// Whether this evaluation's units add into arrays of their own: only when ordered, and only
  /// for a derivative of a global transform (rigid, affine), the one ITK adds into a shared
  /// array; a displacement field keeps per-voxel derivatives that no two units share.
  bool unitsOwnTheirDerivatives() const {
    return ordered_ && this->GetComputeDerivative() && !this->HasLocalSupport();
  }

  bool ordered_ = false;
  std::vector<JointPDFDerivativesType::Pointer> unitDerivatives_;
  // Each unit's buffer flushes under its own lock: nothing else shares its array.
  std::unique_ptr<std::mutex[]> unitLocks_;
};

/// ITK's Mattes threader that, once ITK has prepared the work units, gives each its own
/// derivative array (the threader is where ITK wires the units' buffers to the shared array).
template <class TPartitioner>
class OrderedMattesThreader
    : public itk::MattesMutualInformationImageToImageMetricv4GetValueAndDerivativeThreader<
          TPartitioner, StockMattes::Superclass, StockMattes> {
 public:
  using Self = OrderedMattesThreader;
  using Superclass = itk::MattesMutualInformationImageToImageMetricv4GetValueAndDerivativeThreader<
      TPartitioner, StockMattes::Superclass, StockMattes>;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);

 protected:
  OrderedMattesThreader() = default;
  void BeforeThreadedExecution() override {
    Superclass::BeforeThreadedExecution();
    dynamic_cast<OrderedMattes&>(*this->m_Associate)
        .giveEachWorkUnitItsOwnDerivatives(this->GetNumberOfWorkUnitsUsed());
  }
};

void OrderedMattes::sumInFixedOrder(unsigned workUnits) {
  ordered_ = true;
  auto sparse = OrderedMattesThreader<itk::ThreadedIndexedContainerPartitioner>::New();
  auto dense = OrderedMattesThreader<itk::ThreadedImageRegionPartitioner<3>>::New();
  sparse->SetNumberOfWorkUnits(workUnits);
  dense->SetNumberOfWorkUnits(workUnits);
  this->m_SparseGetValueAndDerivativeThreader = sparse;
  this->m_DenseGetValueAndDerivativeThreader = dense;
}

void OrderedMattes::giveEachWorkUnitItsOwnDerivatives(itk::ThreadIdType workUnits) {
  if (!unitsOwnTheirDerivatives()) return;
  const auto region = this->m_JointPDFDerivatives->GetBufferedRegion();
  if (unitDerivatives_.size() != workUnits) {
    unitDerivatives_.assign(workUnits, nullptr);
    unitLocks_ = std::make_unique<std::mutex[]>(workUnits);
  }
  const std::size_t bins = this->m_NumberOfHistogramBins;
  for (itk::ThreadIdType u = 0; u < workUnits; ++u) {
    auto& own = unitDerivatives_[u];
    if (!own || own->GetBufferedRegion() != region) {
      own = JointPDFDerivativesType::New();
      own->SetRegions(region);
      own->Allocate(true);
    } else {
      own->FillBuffer(0.0);
    }
    // The same buffer length ITK chose; only the array it flushes into differs.
    this->m_ThreaderDerivativeManager[u].Initialize(
        std::max<std::size_t>(500, bins * bins / workUnits), this->GetNumberOfLocalParameters(),
        &unitLocks_[u], own);
  }
}

void OrderedMattes::GetValueCommonAfterThreadedExecution() {
  Superclass::GetValueCommonAfterThreadedExecution();
  if (!unitsOwnTheirDerivatives()) return;
  // Each unit flushed its last samples into its own array when it finished (FinalizeThread);
  // the shared array, zeroed by ITK before the units ran, received nothing.
  const itk::ThreadIdType units = this->GetNumberOfWorkUnitsUsed();
  if (units > unitDerivatives_.size()) {
    throw Error(ErrorCode::Internal, "registration metric: more work units than arrays");
  }
  double* total = this->m_JointPDFDerivatives->GetBufferPointer();
  const std::size_t n = this->m_JointPDFDerivatives->GetBufferedRegion().GetNumberOfPixels();
  for (itk::ThreadIdType u = 0; u < units; ++u) {
    const double* part = unitDerivatives_[u]->GetBufferPointer();
    for (std::size_t i = 0; i < n; ++i) total[i] += part[i];
  }
}

using Metric = OrderedMattes;
using RegionMask = itk::ImageMaskSpatialObject<3>;

/// The fixed region (already binary) as ITK's mask spatial object, or null.
RegionMask::ConstPointer regionMask(const std::optional<Image>& region) {
  if (!region) return nullptr;
  auto mask = RegionMask::New();
  mask->SetImage(toItkImage<unsigned char, 3>(*region));
  mask->Update();
  return mask.GetPointer();
}
using Optimizer = itk::GradientDescentOptimizerv4;
using Composite = itk::CompositeTransform<double, 3>;

std::string stopName(itk::StopConditionObjectToObjectOptimizerEnum c) {
  using E = itk::StopConditionObjectToObjectOptimizerEnum;
  switch (c) {
    case E::MAXIMUM_NUMBER_OF_ITERATIONS:
      return "maximum_iterations";
    case E::COSTFUNCTION_ERROR:
      return "cost_function_error";
    case E::UPDATE_PARAMETERS_ERROR:
      return "update_parameters_error";
    case E::STEP_TOO_SMALL:
      return "step_too_small";
    case E::CONVERGENCE_CHECKER_PASSED:
      return "converged";
    case E::GRADIENT_MAGNITUDE_TOLEARANCE:
      return "gradient_tolerance";
    default:
      return "other_error";
  }
}

itk::Point<double, 3> physicalCentre(const ImageT* image) {
  const auto size = image->GetLargestPossibleRegion().GetSize();
  itk::ContinuousIndex<double, 3> c;
  for (int i = 0; i < 3; ++i) c[i] = (static_cast<double>(size[i]) - 1.0) / 2.0;
  itk::Point<double, 3> p;
  image->TransformContinuousIndexToPhysicalPoint(c, p);
  return p;
}

// Mattes MI as every stage measures it; only in `region` when given.
Metric::Pointer makeMetric(const RegistrationSettings& s, const RegionMask* region) {
  auto metric = Metric::New();
  if (s.reproducible) metric->sumInFixedOrder(kMetricWorkUnits);
  metric->SetNumberOfHistogramBins(static_cast<unsigned>(s.histogramBins));
  metric->SetUseMovingImageGradientFilter(false);
  metric->SetUseFixedImageGradientFilter(false);
  if (region) metric->SetFixedImageMask(region);
  return metric;
}

// The registration method shared by the stages: images, the metric, `previous` applied first,
// the pyramid, and a fixed number of random fixed-image samples per level.
template <class TTransform, class TOptimizer>
typename itk::ImageRegistrationMethodv4<ImageT, ImageT, TTransform>::Pointer makeRegistration(
    const RegistrationSettings& s, ImageT* fixed, ImageT* moving, Composite* previous,
    TTransform* transform, Metric* metric, TOptimizer* optimizer, double regionFraction) {
  using Registration = itk::ImageRegistrationMethodv4<ImageT, ImageT, TTransform>;
  auto reg = Registration::New();
  reg->SetFixedImage(fixed);
  reg->SetMovingImage(moving);
  reg->SetMetric(metric);
  reg->SetOptimizer(optimizer);
  reg->SetInitialTransform(transform);
  reg->InPlaceOn();
  if (previous && previous->GetNumberOfTransforms() > 0) reg->SetMovingInitialTransform(previous);
  const auto levels = static_cast<unsigned>(s.shrinkFactors.size());
  typename Registration::ShrinkFactorsArrayType shrink(levels);
  typename Registration::SmoothingSigmasArrayType sigmas(levels);
  for (unsigned l = 0; l < levels; ++l) {
    shrink[l] = static_cast<unsigned>(s.shrinkFactors[l]);
    sigmas[l] = s.smoothingSigmasMm[l];
  }
  reg->SetNumberOfLevels(levels);
  reg->SetShrinkFactorsPerLevel(shrink);
  reg->SetSmoothingSigmasPerLevel(sigmas);
  reg->SetSmoothingSigmasAreSpecifiedInPhysicalUnits(true);
  reg->SetMetricSamplingStrategy(Registration::MetricSamplingStrategyEnum::RANDOM);
  // A fixed number of samples per level (as elastix does) keeps the cost per iteration the
  // same for small and large images; the fraction is of the voxels of the shrunken level.
  typename Registration::MetricSamplingPercentageArrayType percentages(levels);
  const double voxels = static_cast<double>(fixed->GetLargestPossibleRegion().GetNumberOfPixels());
  for (unsigned l = 0; l < levels; ++l) {
    // With a region, the random samples that fall outside it are dropped by the metric: as
    // many samples as without one are drawn inside it.
    const double levelVoxels =
        voxels * regionFraction / std::pow(static_cast<double>(s.shrinkFactors[l]), 3);
    percentages[l] =
        s.spatialSamples > 0 ? std::min(1.0, s.spatialSamples / levelVoxels) : s.samplingFraction;
  }
  reg->SetMetricSamplingPercentagePerLevel(percentages);
  reg->MetricSamplingReinitializeSeed(static_cast<int>(s.seed));
  return reg;
}

// Runs one stage; `previous` (may be empty) is applied first. Returns the stage report and
// throws NotConverged when the finest level did not converge.
template <class TTransform>
nlohmann::json runStage(const std::string& name, const RegistrationSettings& s,
                        const RegistrationStageSettings& stage, ImageT* fixed, ImageT* moving,
                        Composite* previous, TTransform* transform, const RegionMask* region,
                        double regionFraction) {
  auto metric = makeMetric(s, region);
  auto scales = itk::RegistrationParameterScalesFromPhysicalShift<Metric>::New();
  scales->SetMetric(metric);
  auto optimizer = Optimizer::New();
  optimizer->SetScalesEstimator(scales);
  optimizer->SetDoEstimateLearningRateOnce(true);
  optimizer->SetDoEstimateLearningRateAtEachIteration(false);
  optimizer->SetMaximumStepSizeInPhysicalUnits(stage.maxStepMm);
  optimizer->SetConvergenceWindowSize(static_cast<unsigned>(s.convergenceWindow));
  optimizer->SetMinimumConvergenceValue(s.convergenceTolerance);
  optimizer->SetNumberOfIterations(static_cast<unsigned>(stage.iterations.front()));
  // ITK 5.2's gradient descent pairs each iteration's metric value with the position after that
  // iteration's step (ITK issue #2570, fixed upstream in 2026 by pull request #6196), so its
  // ReturnBestParametersAndValue returns the point one step beyond the best one. From the
  // optimum (images already aligned, or a CT and itself) that first step is a full
  // max_step_mm jump with a learning rate set by a noise gradient, and the registration ended
  // less similar than it started. The best point is tracked here instead.
  optimizer->SetReturnBestParametersAndValue(false);

  auto reg =
      makeRegistration<TTransform>(s, fixed, moving, previous, transform, metric.GetPointer(),
                                   optimizer.GetPointer(), regionFraction);

  nlohmann::json levelsJson = nlohmann::json::array();
  std::vector<double> values;
  int undoneSteps = 0;
  // The position each value was measured at (the one before the step the event follows).
  typename TTransform::ParametersType measuredAt = transform->GetParameters(), best = measuredAt;
  double bestValue = std::numeric_limits<double>::infinity();
  auto closeLevel = [&] {
    if (levelsJson.empty()) return;
    auto& l = levelsJson.back();
    l["iterations"] = optimizer->GetCurrentIteration();
    l["stop"] = stopName(optimizer->GetStopCondition());
    l["final_value"] = values.empty() ? nlohmann::json(nullptr) : nlohmann::json(values.back());
    l["learning_rate"] = optimizer->GetLearningRate();
    if (!values.empty()) l["first_value"] = values.front();
    // The next level (and the next stage) starts from this level's best position.
    if (std::isfinite(bestValue)) {
      l["best_value"] = bestValue;
      transform->SetParameters(best);
    }
  };
  reg->AddObserver(itk::MultiResolutionIterationEvent(), [&](const itk::EventObject&) {
    closeLevel();
    measuredAt = transform->GetParameters();
    bestValue = std::numeric_limits<double>::infinity();
    const unsigned level = reg->GetCurrentLevel();
    optimizer->SetNumberOfIterations(static_cast<unsigned>(stage.iterations[level]));
    values.clear();
    levelsJson.push_back({{"level", level}, {"shrink", s.shrinkFactors[level]}});
  });
  // Plain gradient descent keeps the learning rate estimated at the first iteration; Mattes MI
  // is steeper near its optimum than where the search starts, so those steps then overshoot
  // and the metric zig-zags (and the window convergence monitor stops it there). Halving the
  // rate whenever a step made the metric worse (as regular-step gradient descent does on a
  // direction change) lets the search settle into the optimum.
  optimizer->AddObserver(itk::IterationEvent(), [&](const itk::EventObject&) {
    const double value = optimizer->GetValue();
    if (!values.empty() && value > values.back()) {
      optimizer->SetLearningRate(optimizer->GetLearningRate() * 0.5);
    }
    values.push_back(value);
    if (value < bestValue) bestValue = value, best = measuredAt;
    // The rate is estimated once, from the first gradient. Where that gradient is almost zero
    // (noise-free images already aligned: the search starts on the optimum) the rate comes out
    // enormous, and the next gradient threw the transform far outside the images ("all samples
    // map outside"). The optimiser's gradient is now the step just taken: one far beyond the
    // step limit is undone and the rate scaled down to the limit, so the search backs off.
    const double stepMm = scales->EstimateStepScale(optimizer->GetGradient());
    if (std::isfinite(stepMm) && stepMm > kRunawayStepFactor * stage.maxStepMm) {
      optimizer->SetLearningRate(optimizer->GetLearningRate() * stage.maxStepMm / stepMm);
      transform->SetParameters(measuredAt);
      ++undoneSteps;
    }
    measuredAt = transform->GetParameters();
  });
  try {
    reg->Update();
  } catch (const itk::ExceptionObject& e) {
    // The two usual causes: images too small for the coarsest shrink level (a few voxels
    // left to sample), or images that do not overlap where the stage starts.
    const auto fs = fixed->GetLargestPossibleRegion().GetSize();
    const auto ms = moving->GetLargestPossibleRegion().GetSize();
    const int coarsest = s.shrinkFactors.empty()
                             ? 1
                             : *std::max_element(s.shrinkFactors.begin(), s.shrinkFactors.end());
    std::string hint =
        " (do the images overlap in patient space? try `--initialization geometry` or "
        "`--initialization moments`, \"initialization\" in a settings file)";
    for (unsigned a = 0; a < 3; ++a) {
      if (fs[a] < static_cast<unsigned>(4 * coarsest) ||
          ms[a] < static_cast<unsigned>(4 * coarsest)) {
        hint = " (the images, " + std::to_string(fs[0]) + " x " + std::to_string(fs[1]) + " x " +
               std::to_string(fs[2]) + " and " + std::to_string(ms[0]) + " x " +
               std::to_string(ms[1]) + " x " + std::to_string(ms[2]) +
               " voxels, are too small for shrink factor " + std::to_string(coarsest) +
               ": registration needs at least " + std::to_string(4 * coarsest) +
               " voxels along each axis at full resolution)";
        break;
      }
    }
    throw Error(ErrorCode::NotConverged,
                "registration (" + name + " stage) failed: " + e.GetDescription() + hint);
  }
  closeLevel();

  // Converged at the finest level: the monitor passed, the step became tiny, or the metric
  // reached a plateau in the last window before the iteration limit.
  const auto stop = optimizer->GetStopCondition();
  bool converged =
      stop == itk::StopConditionObjectToObjectOptimizerEnum::CONVERGENCE_CHECKER_PASSED ||
      stop == itk::StopConditionObjectToObjectOptimizerEnum::STEP_TOO_SMALL;
  std::string why = stopName(stop);
  if (stop == itk::StopConditionObjectToObjectOptimizerEnum::MAXIMUM_NUMBER_OF_ITERATIONS) {
    const std::size_t w = static_cast<std::size_t>(s.convergenceWindow);
    if (values.size() >= 2 * w) {
      double recent = 0, before = 0;
      for (std::size_t i = 0; i < w; ++i) {
        recent += values[values.size() - 1 - i];
        before += values[values.size() - 1 - w - i];
      }
      const double change = std::abs(recent - before) / std::max(1e-12, std::abs(before));
      converged = change < 10 * s.convergenceTolerance * static_cast<double>(w);
      why = "maximum iterations with relative metric change " + std::to_string(change) +
            " over the last " + std::to_string(w) + " iterations";
    } else {
      why = "maximum iterations after only " + std::to_string(values.size()) + " steps";
    }
  }
  for (double v : values) {
    if (!std::isfinite(v)) converged = false, why = "the metric became non-finite";
  }
  for (unsigned i = 0; i < transform->GetNumberOfParameters(); ++i) {
    if (!std::isfinite(transform->GetParameters()[i])) {
      converged = false, why = "the transform parameters became non-finite";
    }
  }
  nlohmann::json report{{"stage", name},
                        {"levels", levelsJson},
                        {"converged", converged},
                        {"undone_runaway_steps", undoneSteps},
                        {"stop", why},
                        {"metric_work_units", metric->GetNumberOfWorkUnitsUsed()}};
  if (!converged) {
    throw Error(ErrorCode::NotConverged, "registration (" + name + " stage) did not converge: " +
                                             why + "; no transform written (raise the " + name +
                                             " iterations or check the images)");
  }
  return report;
}

using BSpline = itk::BSplineTransform<double, 3, 3>;

// The smallest Jacobian determinant of the deformation over the fixed image, by central
// differences (ITK 5.2's B-spline transform does not give its spatial Jacobian) on a 4 mm
// lattice of voxel centres. At or below 0 the deformation folds space onto itself: no anatomy moves
// like that.
double minJacobianDeterminant(const BSpline* transform, const ImageT* fixed) {
  const auto size = fixed->GetLargestPossibleRegion().GetSize();
  const auto spacing = fixed->GetSpacing();
  std::array<unsigned, 3> step{};
  for (int i = 0; i < 3; ++i) {
    step[i] = std::max(1u, static_cast<unsigned>(std::lround(4.0 / spacing[i])));
  }
  // The transform's domain ends half a voxel beyond the outer voxel centres, and outside it the
  // transform is the identity: a quarter voxel keeps every probe inside.
  const double h = 0.25 * std::min({spacing[0], spacing[1], spacing[2]});
  double lowest = std::numeric_limits<double>::infinity();
  for (unsigned z = 0; z < size[2]; z += step[2]) {
    for (unsigned y = 0; y < size[1]; y += step[1]) {
      for (unsigned x = 0; x < size[0]; x += step[0]) {
        ImageT::IndexType index{{x, y, z}};
        BSpline::InputPointType p;
        fixed->TransformIndexToPhysicalPoint(index, p);
        vnl_matrix_fixed<double, 3, 3> j;
        for (int c = 0; c < 3; ++c) {
          auto a = p, b = p;
          a[c] += h;
          b[c] -= h;
          const auto ta = transform->TransformPoint(a), tb = transform->TransformPoint(b);
          for (int r = 0; r < 3; ++r) j(r, c) = (ta[r] - tb[r]) / (2 * h);
        }
        lowest = std::min(lowest, vnl_determinant(j));
      }
    }
  }
  return lowest;
}

// One level of the B-spline stage's pyramid: the fixed image smoothed; the moving image
// smoothed and carried by `previous` onto the fixed grid grown by a margin (points the B-spline
// pushes past the fixed image's edge still find moving data); the voxels of that grid that
// `previous` maps inside the moving image; and where to sample: fixed voxels inside the region
// (if any) that the moving image reaches. Levels smooth but do not shrink, like elastix's
// smoothing pyramids: the number of samples per level is fixed, so a smaller grid would save
// little, and the moving image is read at full resolution as ImageRegistrationMethodv4 reads it.
struct BSplineLevel {
  ImageT::Pointer fixed;
  ImageT::Pointer moving;
  RegionMask::Pointer reached;
  RegionMask::Pointer sampled;
  std::size_t sampledVoxels = 0;
};

ImageT::Pointer smoothed(ImageT* image, double sigmaMm) {
  if (!(sigmaMm > 0)) return image;
  // The filter ImageRegistrationMethodv4 smooths its pyramid with (sigma in mm).
  auto smooth = itk::SmoothingRecursiveGaussianImageFilter<ImageT, ImageT>::New();
  smooth->SetInput(image);
  smooth->SetSigma(sigmaMm);
  smooth->Update();
  return smooth->GetOutput();
}

using ByteImage = itk::Image<unsigned char, 3>;

RegionMask::Pointer maskObject(ByteImage* image) {
  auto mask = RegionMask::New();
  mask->SetImage(image);
  mask->Update();
  return mask;
}

BSplineLevel bsplineLevel(ImageT* fixed, ImageT* moving, const Composite* previous,
                          const RegionMask* region, double sigmaMm, int threads) {
  BSplineLevel level;
  level.fixed = smoothed(fixed, sigmaMm);
  // The moving image goes onto the fixed grid grown by 10 mm (at least 2 voxels) beyond each
  // face; same geometry, so a fixed voxel's index is its index there too.
  const auto fixedRegion = fixed->GetBufferedRegion();
  const auto spacing = fixed->GetSpacing();
  ImageT::RegionType grid;
  ImageT::IndexType pad;
  for (unsigned i = 0; i < 3; ++i) {
    pad[i] = std::max<itk::IndexValueType>(2, std::lround(std::ceil(10.0 / spacing[i])));
    grid.SetIndex(i, fixedRegion.GetIndex(i) - pad[i]);
    grid.SetSize(i, fixedRegion.GetSize(i) + static_cast<itk::SizeValueType>(2 * pad[i]));
  }
  level.moving = ImageT::New();
  level.moving->CopyInformation(fixed);
  level.moving->SetRegions(grid);
  level.moving->Allocate();
  auto reached = ByteImage::New();
  reached->CopyInformation(fixed);
  reached->SetRegions(grid);
  reached->Allocate();

  const ImageT::Pointer source = smoothed(moving, sigmaMm);
  auto interpolate = itk::LinearInterpolateImageFunction<ImageT, double>::New();
  interpolate->SetInputImage(source);
  // Outside the moving image, its nearest edge value rather than a constant: the metric's
  // interpolation and central differences near the edge of `reached` read those voxels too,
  // and a constant there would be a false edge.
  auto extrapolate = itk::NearestNeighborExtrapolateImageFunction<ImageT, double>::New();
  extrapolate->SetInputImage(source);
  const auto size = grid.GetSize();
  parallelFor(size[2], threads, [&](std::size_t z) {
    ImageT::IndexType index;
    index[2] = grid.GetIndex(2) + static_cast<itk::IndexValueType>(z);
    for (itk::SizeValueType y = 0; y < size[1]; ++y) {
      index[1] = grid.GetIndex(1) + static_cast<itk::IndexValueType>(y);
      for (itk::SizeValueType x = 0; x < size[0]; ++x) {
        index[0] = grid.GetIndex(0) + static_cast<itk::IndexValueType>(x);
        ImageT::PointType p;
        level.moving->TransformIndexToPhysicalPoint(index, p);
        const auto q = previous->TransformPoint(p);
        itk::ContinuousIndex<double, 3> c;
        source->TransformPhysicalPointToContinuousIndex(q, c);
        const bool inside = interpolate->IsInsideBuffer(c);
        level.moving->SetPixel(
            index, static_cast<float>(inside ? interpolate->EvaluateAtContinuousIndex(c)
                                             : extrapolate->EvaluateAtContinuousIndex(c)));
        reached->SetPixel(index, inside ? 1 : 0);
      }
    }
  });
  level.reached = maskObject(reached);

  auto sampled = ByteImage::New();
  sampled->CopyInformation(level.fixed);
  sampled->SetRegions(level.fixed->GetBufferedRegion());
  sampled->Allocate();
  itk::ImageRegionIteratorWithIndex<ByteImage> it(sampled, sampled->GetBufferedRegion());
  for (; !it.IsAtEnd(); ++it) {
    bool use = reached->GetPixel(it.GetIndex()) != 0;
    if (use && region) {
      ImageT::PointType p;
      sampled->TransformIndexToPhysicalPoint(it.GetIndex(), p);
      use = region->IsInsideInWorldSpace(p);
    }
    it.Set(use ? 1 : 0);
    level.sampledVoxels += use ? 1 : 0;
  }
  level.sampled = maskObject(sampled);
  return level;
}

// The B-spline stage. Its thousands of control-point displacements, all in mm, are searched by
// L-BFGS-B within bounds that rule out folding (ITK's DeformableRegistration examples; elastix
// uses a stochastic gradient instead): plain gradient descent with one learning rate crept
// along for minutes and often ran out of iterations. It runs on ITK's classic Mattes metric,
// which knows that a cubic B-spline moves a point by only 4x4x4 control points: it caches those
// weights per sample and skips the per-parameter joint histogram derivatives. ITK's v4 metric
// fills a dense Jacobian and a bins x bins x parameters derivative array for every sample and
// thread (an STS pair took 21 s and 530 MB that way, elastix 15 s and 150 MB). The classic
// metric has no moving initial transform, so each level resamples the moving image through
// `previous` onto the fixed grid; the composite applies the B-spline first and then `previous`
// exactly as this does. Each level's samples are fixed, so the metric is deterministic within a
// level as the line search needs. As in elastix, the iteration budget is the stopping rule; the
// stage is refused when it ends less similar than it started, with non-finite parameters, or
// when the deformation still folds (the check stays although the bounds should prevent it).
nlohmann::json runBSplineStage(const RegistrationSettings& s, ImageT* fixed, ImageT* moving,
                               const Composite* previous, BSpline* transform,
                               const RegionMask* region) {
  const RegistrationStageSettings& stage = s.bspline;
  using ClassicMetric = itk::MattesMutualInformationImageToImageMetric<ImageT, ImageT>;
  using LineSearchOptimizer = itk::LBFGSBOptimizer;
  using Registration = itk::ImageRegistrationMethod<ImageT, ImageT>;
  const unsigned n = transform->GetNumberOfParameters();
  const int samples = s.bsplineSpatialSamples > 0 ? s.bsplineSpatialSamples : s.spatialSamples;

  nlohmann::json levelsJson = nlohmann::json::array();
  double limit = 0;
  for (std::size_t l = 0; l < s.shrinkFactors.size(); ++l) {
    if (stage.iterations[l] == 0) {
      levelsJson.push_back({{"level", l}, {"skipped", true}});
      continue;
    }
    auto metric = ClassicMetric::New();
    auto optimizer = LineSearchOptimizer::New();
    auto reg = Registration::New();
    unsigned iterationCount = 0, evaluationCount = 0;
    double first = std::numeric_limits<double>::quiet_NaN(), last = first;
    try {
      const BSplineLevel level = bsplineLevel(
          fixed, moving, previous, region, s.smoothingSigmasMm[l], resolveThreadCount(s.threads));
      if (level.sampledVoxels == 0) {
        throw Error(ErrorCode::NotConverged,
                    "registration (bspline stage): at level " + std::to_string(l) +
                        " no fixed voxel (in the region) maps into the moving image");
      }
      metric->SetNumberOfHistogramBins(static_cast<unsigned>(s.histogramBins));
      metric->SetUseExplicitPDFDerivatives(false);
      metric->SetUseCachingOfBSplineWeights(true);
      // Random voxels of the level's sampled mask (with replacement), at most as many as it has
      // and at most 100,000: each sample caches 64 weights and indices (1 KB).
      const double wanted =
          samples > 0 ? samples : s.samplingFraction * static_cast<double>(level.sampledVoxels);
      metric->SetNumberOfSpatialSamples(static_cast<itk::SizeValueType>(
          std::max(1.0, std::min({wanted, static_cast<double>(level.sampledVoxels), 100000.0}))));
      metric->ReinitializeSeed(static_cast<int>(s.seed + l));
      metric->SetFixedImageMask(level.sampled);
      metric->SetMovingImageMask(level.reached);

      // Each control point moves less than 0.4 control-point spacings along each axis: then a
      // cubic B-spline deformation cannot fold (Choi & Lee 2000 give 1/2.05 as the limit; 0.4
      // as in Rueckert et al. 2006). Unbounded, Mattes MI pulled 5-10 of 22 STS pairs into folds.
      // The mesh is rounded to whole cells, so its spacing can differ from the one asked for; a
      // user's bound is capped at the limit of the actual mesh.
      const auto grid = transform->GetCoefficientImages()[0]->GetSpacing();
      limit = 0.4 * std::min({grid[0], grid[1], grid[2]});
      if (stage.maxDisplacementMm > 0) limit = std::min(limit, stage.maxDisplacementMm);
      LineSearchOptimizer::BoundSelectionType both(n);
      both.Fill(2);
      LineSearchOptimizer::BoundValueType lower(n), upper(n);
      lower.Fill(-limit);
      upper.Fill(limit);
      optimizer->SetBoundSelection(both);
      optimizer->SetLowerBound(lower);
      optimizer->SetUpperBound(upper);
      optimizer->SetMaximumNumberOfCorrections(5);
      // Stop on the iteration budget or on a relative metric change below 1e7 machine epsilons
      // (vnl's "moderate accuracy"); the projected gradient test is left to the budget, since
      // Mattes MI's derivative has no natural scale.
      optimizer->SetCostFunctionConvergenceFactor(1e7);
      optimizer->SetProjectedGradientTolerance(1e-12);
      const auto iterations = static_cast<unsigned>(stage.iterations[l]);
      optimizer->SetMaximumNumberOfIterations(iterations);
      // A line search takes one to a few evaluations per iteration.
      optimizer->SetMaximumNumberOfEvaluations(3 * iterations);
      // vnl raises FunctionAndGradientEvaluationIterationEvent (a kind of IterationEvent) for
      // each metric evaluation and a plain IterationEvent for each accepted step.
      optimizer->AddObserver(itk::IterationEvent(), [&](const itk::EventObject& e) {
        if (dynamic_cast<const itk::FunctionAndGradientEvaluationIterationEvent*>(&e)) {
          ++evaluationCount;
        } else {
          ++iterationCount;
        }
      });

      reg->SetFixedImage(level.fixed);
      reg->SetMovingImage(level.moving);
      reg->SetFixedImageRegion(level.fixed->GetBufferedRegion());
      reg->SetMetric(metric);
      reg->SetOptimizer(optimizer);
      reg->SetInterpolator(itk::LinearInterpolateImageFunction<ImageT, double>::New());
      reg->SetTransform(transform);
      // A copy: the metric zeroes the transform's parameters while it caches the weights.
      const BSpline::ParametersType start = transform->GetParameters();
      reg->SetInitialTransformParameters(start);
      // The classic metric adds its work units' sums in unit order but splits its samples into
      // as many units as the registration has threads: a fixed split gives the same deformation
      // on any thread count. (The registration hands its count to the metric in Initialize.)
      if (s.reproducible) reg->SetNumberOfWorkUnits(kMetricWorkUnits);
      reg->Initialize();
      first = metric->GetValue(start);
      optimizer->StartOptimization();
      // vnl's L-BFGS-B returns the best point it evaluated.
      transform->SetParameters(optimizer->GetCurrentPosition());
      last = metric->GetValue(transform->GetParameters());
    } catch (const itk::ExceptionObject& e) {
      throw Error(ErrorCode::NotConverged,
                  std::string("registration (bspline stage) failed: ") + e.GetDescription());
    }
    std::string stop = optimizer->GetStopConditionDescription();
    while (!stop.empty() && std::isspace(static_cast<unsigned char>(stop.back()))) stop.pop_back();
    levelsJson.push_back({{"level", l},
                          {"smoothing_sigma_mm", s.smoothingSigmasMm[l]},
                          {"samples", metric->GetNumberOfFixedImageSamples()},
                          {"samples_counted", metric->GetNumberOfPixelsCounted()},
                          {"metric_work_units", metric->GetNumberOfWorkUnits()},
                          {"iterations", iterationCount},
                          {"evaluations", evaluationCount},
                          {"stop", stop},
                          {"first_value", first},
                          {"final_value", last}});
  }

  spdlog::debug("registration: bspline levels {}", levelsJson.dump());
  bool converged = true;
  std::string why = "iteration budget or metric change below tolerance";
  for (const auto& l : levelsJson) {
    if (l.contains("skipped")) continue;
    if (!(l["final_value"].get<double>() <= l["first_value"].get<double>())) {
      converged = false;
      why = "the metric ended worse than it started at level " + l["level"].dump();
    }
  }
  for (unsigned i = 0; i < n; ++i) {
    if (!std::isfinite(transform->GetParameters()[i])) {
      converged = false, why = "the transform parameters became non-finite";
    }
  }
  // The largest control-point displacement along any axis (the parameters are those, in mm).
  double largest = 0;
  for (unsigned i = 0; i < transform->GetNumberOfParameters(); ++i) {
    largest = std::max(largest, std::abs(transform->GetParameters()[i]));
  }
  const double lowestDeterminant = minJacobianDeterminant(transform, fixed);
  if (converged && !(lowestDeterminant > 0)) {
    converged = false;
    why = "the deformation folds (smallest Jacobian determinant " +
          std::to_string(lowestDeterminant) +
          "); try a coarser bspline_grid_spacing_mm or fewer iterations";
  }
  nlohmann::json report{{"stage", "bspline"},
                        {"min_jacobian_determinant", lowestDeterminant},
                        {"max_displacement_mm", limit},
                        {"largest_displacement_mm", largest},
                        {"optimizer", "lbfgsb"},
                        {"metric", "mattes_classic"},
                        {"levels", levelsJson},
                        {"converged", converged},
                        {"stop", why}};
  if (!converged) {
    throw Error(ErrorCode::NotConverged,
                "registration (bspline stage) did not converge: " + why + "; no transform written");
  }
  return report;
}

}  // namespace

ImageRegistration::ImageRegistration(RegistrationSettings settings)
    : settings_(std::move(settings)) {
  settings_.validate("registration settings");
}

void ImageRegistration::setFixedRegion(const Image& region) {
  fixedRegion_ = MaskComparison::binary(region);
}

double ImageRegistration::similarity(const Image& fixed, const Image& moving,
                                     const SpatialTransform& transform) const {
  const Image f = itk_runner::asFloat32(fixed), m = itk_runner::asFloat32(moving);
  auto fi = toItkImage<float, 3>(f);
  auto mi = toItkImage<float, 3>(m);
  auto metric = Metric::New();
  if (settings_.reproducible) metric->sumInFixedOrder(kMetricWorkUnits);
  metric->SetNumberOfHistogramBins(static_cast<unsigned>(settings_.histogramBins));
  // Only the value is needed: without this, Initialize() filled a gradient image of each image
  // (three doubles per voxel, 1.4 GB for a 58-million-voxel CT) that GetValue() never reads.
  metric->SetUseMovingImageGradientFilter(false);
  metric->SetUseFixedImageGradientFilter(false);
  metric->SetFixedImage(fi);
  metric->SetMovingImage(mi);
  metric->SetMovingTransform(transform.impl().chain);
  // The same seeded 100,000 voxel centres before and after, so the values compare; with a
  // fixed region, centres inside it.
  const auto n = fi->GetLargestPossibleRegion().GetNumberOfPixels();
  if (fixedRegion_) {
    const auto inside = fixedRegion_->pixels<std::uint8_t>();
    // Reservoir sampling (Vitter's algorithm R): 100,000 uniform picks among the region's
    // voxels without listing them all (a large region of a large CT would need gigabytes).
    std::vector<itk::SizeValueType> chosen;
    chosen.reserve(100000);
    std::mt19937_64 rng(settings_.seed);
    std::uint64_t seen = 0;
    for (itk::SizeValueType i = 0; i < n; ++i) {
      if (inside[i] == 0) continue;
      ++seen;
      if (chosen.size() < 100000) {
        chosen.push_back(i);
      } else {
        const std::uint64_t j = std::uniform_int_distribution<std::uint64_t>(0, seen - 1)(rng);
        if (j < 100000) chosen[j] = i;
      }
    }
    auto points = Metric::FixedSampledPointSetType::New();
    for (itk::SizeValueType i = 0; i < chosen.size(); ++i) {
      typename Metric::FixedSampledPointSetType::PointType p;
      fi->TransformIndexToPhysicalPoint(
          fi->ComputeIndex(static_cast<itk::OffsetValueType>(chosen[i])), p);
      points->SetPoint(i, p);
    }
    metric->SetFixedSampledPointSet(points);
    metric->SetUseSampledPointSet(true);
  } else if (n > 100000) {
    auto points = Metric::FixedSampledPointSetType::New();
    std::mt19937_64 rng(settings_.seed);
    std::uniform_int_distribution<itk::SizeValueType> pick(0, n - 1);
    for (itk::SizeValueType i = 0; i < 100000; ++i) {
      typename Metric::FixedSampledPointSetType::PointType p;
      fi->TransformIndexToPhysicalPoint(
          fi->ComputeIndex(static_cast<itk::OffsetValueType>(pick(rng))), p);
      points->SetPoint(i, p);
    }
    metric->SetFixedSampledPointSet(points);
    metric->SetUseSampledPointSet(true);
  }
  try {
    metric->Initialize();
    return metric->GetValue();
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::NotConverged,
                std::string("registration: similarity cannot be measured: ") + e.GetDescription());
  }
}

RegistrationResult ImageRegistration::run(const Image& fixedImage, const Image& movingImage) const {
  const auto start = std::chrono::steady_clock::now();
  ItkLogWindow::install();
  for (const auto* im : {&fixedImage, &movingImage}) {
    itk_runner::requireScalarVolume(*im, "registration");
    if (im->spatialDimension() != 3) {
      throw Error(ErrorCode::InvalidArgument, "registration: needs 3D volumes");
    }
  }
  if (settings_.threads > 0) {
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(
        static_cast<unsigned>(resolveThreadCount(settings_.threads)));
  }
  // Share of the fixed grid inside the region (1 without one), for the sampling rate.
  double regionFraction = 1.0;
  if (fixedRegion_) {
    if (!fixedRegion_->sameGrid(fixedImage, 1e-3)) {
      throw Error(ErrorCode::GeometryMismatch,
                  "registration: the fixed region is not on the fixed image's grid");
    }
    const auto v = fixedRegion_->pixels<std::uint8_t>();
    const auto inside = static_cast<double>(std::count(v.begin(), v.end(), std::uint8_t{1}));
    if (inside == 0) throw Error(ErrorCode::EmptyInput, "registration: the fixed region is empty");
    regionFraction = inside / static_cast<double>(v.size());
  }
  const auto region = regionMask(fixedRegion_);
  const Image f = itk_runner::asFloat32(fixedImage), m = itk_runner::asFloat32(movingImage);
  auto fixed = toItkImage<float, 3>(f);
  auto moving = toItkImage<float, 3>(m);

  RegistrationResult result;
  auto chain = Composite::New();

  // Stage 1: rigid (Euler angles about the fixed image centre).
  auto euler = itk::Euler3DTransform<double>::New();
  if (settings_.initialization == "identity") {
    euler->SetCenter(physicalCentre(fixed));
  } else {
    auto init =
        itk::CenteredTransformInitializer<itk::Euler3DTransform<double>, ImageT, ImageT>::New();
    init->SetTransform(euler);
    init->SetFixedImage(fixed);
    init->SetMovingImage(moving);
    if (settings_.initialization == "moments")
      init->MomentsOn();
    else
      init->GeometryOn();
    init->InitializeTransform();
  }
  SpatialTransform initial;
  initial.impl().chain->AddTransform(euler->Clone());
  result.initialMetric = similarity(fixedImage, movingImage, initial);

  nlohmann::json stages = nlohmann::json::array();
  std::vector<std::string> warnings;
  // The final similarity when the B-spline check already measured it on the same voxels.
  std::optional<double> finalMetric;
  // Each stage's report carries its own run time, so a slow registration says where it spent it.
  const auto timed = [](auto&& runIt) {
    const auto t0 = std::chrono::steady_clock::now();
    nlohmann::json report = runIt();
    report["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };
  stages.push_back(timed([&] {
    return runStage("rigid", settings_, settings_.rigid, fixed, moving, nullptr, euler.GetPointer(),
                    region.GetPointer(), regionFraction);
  }));
  itk::Transform<double, 3, 3>::Pointer linear = euler;

  if (settings_.transform == "affine" || settings_.transform == "bspline") {
    auto affine = itk::AffineTransform<double, 3>::New();
    affine->SetCenter(euler->GetCenter());
    affine->SetMatrix(euler->GetMatrix());
    affine->SetTranslation(euler->GetTranslation());
    stages.push_back(timed([&] {
      return runStage("affine", settings_, settings_.affine, fixed, moving, nullptr,
                      affine.GetPointer(), region.GetPointer(), regionFraction);
    }));
    const double det = vnl_determinant(affine->GetMatrix().GetVnlMatrix());
    if (!(det > 0.2 && det < 5.0)) {
      throw Error(ErrorCode::NotConverged,
                  "registration (affine stage) degenerated: the matrix determinant is " +
                      std::to_string(det) +
                      " (volume scaled by that factor); no transform "
                      "written");
    }
    linear = affine;
  }
  chain->AddTransform(linear);

  if (settings_.transform == "bspline") {
    auto bspline = BSpline::New();
    auto init = itk::BSplineTransformInitializer<BSpline, ImageT>::New();
    init->SetTransform(bspline);
    init->SetImage(fixed);
    typename BSpline::MeshSizeType mesh;
    const auto size = fixed->GetLargestPossibleRegion().GetSize();
    for (int i = 0; i < 3; ++i) {
      const double extent = static_cast<double>(size[i]) * fixed->GetSpacing()[i];
      mesh[i] =
          static_cast<unsigned>(std::max(1.0, std::round(extent / settings_.bsplineGridSpacingMm)));
    }
    init->SetTransformDomainMeshSize(mesh);
    init->InitializeTransform();
    bspline->SetIdentity();
    nlohmann::json stage = timed([&] {
      return runBSplineStage(settings_, fixed, moving, chain, bspline.GetPointer(),
                             region.GetPointer());
    });
    // The stage fits thousands of control-point parameters to a few thousand fixed samples, so it
    // can fit their noise: between a CT and itself it ended less similar on the whole image.
    // similarity()'s 100,000 voxels are drawn independently of the stage's samples, so they
    // serve as a held-out check; a deformation that makes them less similar is not kept.
    SpatialTransform linearOnly;
    linearOnly.impl().chain->AddTransform(linear);
    const double without = similarity(fixedImage, movingImage, linearOnly);
    chain->AddTransform(bspline);
    SpatialTransform deformed;
    deformed.impl().chain = chain;
    const double with = similarity(fixedImage, movingImage, deformed);
    const bool kept = with <= without;
    finalMetric = kept ? with : without;
    stage["held_out"] = {
        {"metric_without_deformation", without}, {"metric_with_deformation", with}, {"kept", kept}};
    if (!kept) {
      bspline->SetIdentity();
      warnings.push_back(
          "the B-spline deformation made the images less similar on voxels it was not fitted to "
          "(Mattes MI " +
          std::to_string(without) + " -> " + std::to_string(with) +
          "), so it was not kept: the transform is the affine alignment with an identity "
          "deformation");
      spdlog::debug("registration: {}", warnings.back());
    }
    stages.push_back(stage);
  }

  result.transform.impl().chain = chain;
  result.finalMetric =
      finalMetric ? *finalMetric : similarity(fixedImage, movingImage, result.transform);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.report = {{"settings", settings_.toJson()},           {"stages", stages},
                   {"initial_metric", result.initialMetric},   {"final_metric", result.finalMetric},
                   {"transform", result.transform.describe()}, {"seconds", result.seconds}};
  if (!warnings.empty()) result.report["warnings"] = warnings;
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("registration: stages {}", stages.dump());
  }
  // Mattes MI is negative; a registration must not end less similar than it started.
  if (result.finalMetric > result.initialMetric + 1e-3 * std::abs(result.initialMetric)) {
    throw Error(ErrorCode::NotConverged, "registration made the images less similar (Mattes MI " +
                                             std::to_string(result.initialMetric) + " -> " +
                                             std::to_string(result.finalMetric) +
                                             "); no transform written");
  }
  // Unrelated images (two noise volumes, another patient's other limb) still end on a plateau of
  // the metric and "converge". The reference is the moving image with its voxels shuffled: the
  // same histogram without any structure, so its MI with the fixed image through the same
  // transform is the estimator's bias alone (Parzen-windowed histograms of finite samples are
  // never independent). Aligned images must share clearly more than that.
  Image shuffled = m;
  const auto voxels = shuffled.pixels<float>();
  std::mt19937_64 shuffler(settings_.seed + 1);
  std::shuffle(voxels.begin(), voxels.end(), shuffler);
  result.chanceMetric = similarity(fixedImage, shuffled, result.transform);
  result.report["chance_metric"] = result.chanceMetric;
  if (!(result.finalMetric < kSharedInformationFactor * result.chanceMetric)) {
    throw Error(ErrorCode::NotConverged,
                "registration found no shared structure: the aligned images share " +
                    std::to_string(-result.finalMetric) +
                    " nats of mutual information, and the moving image with its voxels shuffled "
                    "shares " +
                    std::to_string(-result.chanceMetric) + " (at least " +
                    NumberText::significant(kSharedInformationFactor) +
                    " times that is needed); are these images of the same body part? no "
                    "transform written");
  }
  spdlog::debug("registration: {} in {:.1f} s, MI {:.4f} -> {:.4f}", result.transform.describe(),
                result.seconds, result.initialMetric, result.finalMetric);
  return result;
}

}  // namespace medsight
