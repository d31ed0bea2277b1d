// `medsight register`, `medsight fuse`.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/OutputFileSet.h"
#include "core/StructuredFileReader.h"
#include "io/DicomDerivedImageWriter.h"
#include "io/DicomSeriesScanner.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "io/RasterImageIO.h"
#include "preprocess/BoundingBoxCropper.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "registration/FusionRenderer.h"
#include "registration/ImageRegistration.h"

namespace medsight {
namespace {

using nlohmann::json;

// Source instances of a DICOM series folder (the fused series is derived from them).
std::vector<DicomHeader> seriesHeaders(const std::string& folder, const Image& grid) {
  const auto scan = DicomSeriesScanner::scan(folder);
  const DicomSeriesInfo* best = nullptr;
  for (const auto& s : scan.series) {
    if (s.notAVolume.empty() && s.instances.size() == grid.size().z) best = &s;
  }
  if (!best) {
    throw Error(ErrorCode::InvalidArgument, folder + ": no image series with " +
                                                std::to_string(grid.size().z) +
                                                " slices to derive the fused DICOM series from");
  }
  // The derived series references these instances slice by slice (PS3.3 C.7.6.16 Derivation
  // Image), so they must be the base image's own slices: same matrix, spacing and positions.
  const auto& g = grid.geometry();
  for (std::size_t k = 0; k < best->instances.size(); ++k) {
    const DicomHeader& h = best->instances[k];
    const auto expected = g.indexToPhysical({0.0, 0.0, static_cast<double>(k)});
    bool same = h.columns == static_cast<int>(grid.size().x) &&
                h.rows == static_cast<int>(grid.size().y) && h.pixelSpacing && h.imagePosition;
    if (same) {
      // (0028,0030) is row spacing (between rows, along y) then column spacing (along x).
      same = std::abs((*h.pixelSpacing)[1] - g.spacing[0]) <= 1e-3 * g.spacing[0] &&
             std::abs((*h.pixelSpacing)[0] - g.spacing[1]) <= 1e-3 * g.spacing[1];
      // The first slice where the volume starts; every slice at its depth along the slice
      // normal. (On a gantry-tilted series the slices also drift sideways, which the volume's
      // grid does not follow, so only the depth is compared after the first.)
      const auto n = h.sliceNormal();
      double depth = 0.0, distance = 0.0;
      for (int a = 0; a < 3; ++a) {
        const double d = (*h.imagePosition)[a] - expected[a];
        depth += d * n[a];
        distance += d * d;
      }
      same = std::abs(depth) <= 0.1 && (k > 0 || std::sqrt(distance) <= 0.1);  // mm
    }
    if (!same) {
      throw Error(ErrorCode::GeometryMismatch,
                  folder + ": slice " + std::to_string(k) + " (" + h.path +
                      ") is not the base image's slice (matrix, pixel spacing or position "
                      "differ): give the DICOM series the base image was read from");
    }
  }
  return best->instances;
}

/// Fraction of the base grid (sampled on a coarse lattice) whose points, carried by `t`, fall
/// inside the overlay's field of view.
double overlayCoverage(const Image& base, const Image& overlay, const SpatialTransform& t) {
  const auto& n = base.size();
  const auto& m = overlay.size();
  const double extent[3] = {static_cast<double>(m.x), static_cast<double>(m.y),
                            static_cast<double>(m.z)};
  auto inside = [&](std::size_t i, std::size_t j, std::size_t k) {
    const auto q = overlay.geometry().physicalToIndex(t.apply(base.geometry().indexToPhysical(
        {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)})));
    for (int a = 0; a < 3; ++a) {
      if (q[a] < -0.5 || q[a] > extent[a] - 0.5) return false;
    }
    return true;
  };
  const std::size_t step = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::cbrt(static_cast<double>(n.x * n.y * n.z) / 1e5)));
  std::size_t in = 0, total = 0;
  for (std::size_t k = 0; k < n.z; k += step)
    for (std::size_t j = 0; j < n.y; j += step)
      for (std::size_t i = 0; i < n.x; i += step, ++total) in += inside(i, j, k);
  if (in == 0 && step > 1) {
    // A thin overlay (a few slices) can lie between the coarse samples: before calling it
    // outside, look at every voxel, stopping at the first inside.
    for (std::size_t k = 0; k < n.z; ++k)
      for (std::size_t j = 0; j < n.y; ++j)
        for (std::size_t i = 0; i < n.x; ++i) {
          if (inside(i, j, k)) return 1.0 / static_cast<double>(n.x * n.y * n.z);
        }
  }
  return total == 0 ? 0.0 : static_cast<double>(in) / static_cast<double>(total);
}

struct FusionOutputs {
  std::string png, dicom, baseDicom, colormap = "hot";
  double opacity = 0.5;
  int slice = -1;

  void add(CLI::App& app) {
    app.add_option("--fuse-png", png, "Write a fused view (overlay on the fixed image) as PNG");
    app.add_option("--fuse-dicom", dicom,
                   "Write the fused volume as a DICOM derived series into this folder");
    app.add_option("--fixed-dicom", baseDicom,
                   "DICOM folder of the fixed image (source of the derived series; default: "
                   "FIXED when it is a DICOM folder)");
    app.add_option("--colormap", colormap, "Overlay colormap: hot, jet, cool, grey")
        ->check(CLI::IsMember({"hot", "jet", "cool", "grey"}));
    app.add_option("--opacity", opacity, "Overlay opacity 0..1")->check(CLI::Range(0.0, 1.0));
    app.add_option("--slice", slice, "Slice for the PNG (default: strongest overlay)")
        ->check(CLI::NonNegativeNumber);
  }
  /// Checks what can be checked against the base image before any work: the PNG's slice and
  /// the DICOM series a fused series would be derived from.
  /// write() derives the series from the headers found here.
  void checkAgainst(const Image& base, const std::string& baseInput) {
    if (!dicom.empty()) {
      const std::string source = baseDicom.empty() ? baseInput : baseDicom;
      if (!std::filesystem::is_directory(source)) {
        throw Error(ErrorCode::InvalidArgument,
                    "--fuse-dicom needs the fixed image's DICOM series: give --fixed-dicom DIR");
      }
      sourceHeaders = seriesHeaders(source, base);
    }
    if (!png.empty() && slice >= 0 && static_cast<std::size_t>(slice) >= base.size().z) {
      throw Error(ErrorCode::InvalidArgument, "--slice " + std::to_string(slice) +
                                                  " is outside the base image's " +
                                                  std::to_string(base.size().z) + " slices");
    }
  }
  /// Declares the fused outputs before any work, so a bad path fails first; write() then
  /// writes to where `outputs` stages them.
  void declareInputs(OutputFileSet& outputs) const {
    outputs.addInput(baseDicom, "--fixed-dicom series");
  }
  void declare(OutputFileSet& outputs) {
    if (!png.empty()) stagedPng = outputs.addFile(png, {".png"}, "--fuse-png");
    if (!dicom.empty()) stagedDicom = outputs.addFolder(dicom, "--fuse-dicom");
  }
  std::filesystem::path stagedPng, stagedDicom;
  std::vector<DicomHeader> sourceHeaders;  ///< of the base's series, found by checkAgainst()
  /// Writes the declared views; checkAgainst() must have run.
  json write(const Image& base, const Image& overlay, const std::string& software) const {
    json out = json::object();
    if (png.empty() && dicom.empty()) return out;
    FusionOptions o;
    o.colormap = colormap;
    o.opacity = opacity;
    const Image fused = FusionRenderer::render(base, overlay, o);
    if (!png.empty()) {
      const double low = FusionRenderer::overlayRange(overlay, o).first;
      const std::size_t z = slice >= 0 ? static_cast<std::size_t>(slice)
                                       : FusionRenderer::mostInformativeSlice(overlay, low);
      RasterImageIO::writePng(FusionRenderer::slice(fused, z), stagedPng);
      out["png"] = png;
      out["png_slice"] = z;
    }
    if (!dicom.empty()) {
      DerivedSeriesOptions d;
      d.seriesDescription = "MedSight fusion (" + colormap + " overlay)";
      d.derivationDescription = software;
      const auto files = DicomDerivedImageWriter::write(fused, sourceHeaders, stagedDicom, d);
      out["dicom"] = dicom;
      out["dicom_files"] = files.size();
    }
    return out;
  }
};

class RegisterCommand : public Command {
 public:
  std::string name() const override { return "register"; }
  std::string summary() const override {
    return "Register MOVING to FIXED (Mattes MI, rigid/affine/B-spline); write transform, "
           "resampled image and optional fused views";
  }
  void configure(CLI::App& app) override {
    app.add_option("fixed", fixed_, "Fixed (reference) image, e.g. CT")->required();
    app.add_option("moving", moving_, "Moving image, e.g. MR or PET")->required();
    transformOption_ =
        app.add_option("--transform", transform_,
                       "rigid, affine or bspline (default rigid, or the --settings file's)")
            ->check(CLI::IsMember({"rigid", "affine", "bspline"}));
    app.add_option("--initialization", init_, "identity, geometry or moments")
        ->check(CLI::IsMember({"identity", "geometry", "moments"}));
    app.add_option("--settings", settings_,
                   "Registration settings, JSON or YAML (overrides defaults)");
    app.add_option("--out", out_, "Output prefix: PREFIX.tfm, PREFIX.nii.gz, PREFIX.json")
        ->default_val(out_);
    app.add_option("--out-transform", outTransform_, "Transform file (.tfm)");
    app.add_option("--out-image", outImage_, "Resampled moving image (.nii/.nii.gz)");
    app.add_option("--moving-mask", movingMask_, "Mask on the moving grid: moved with the image");
    app.add_option("--out-mask", outMask_, "Where to write the moved mask");
    app.add_option("--fixed-mask", fixedMask_,
                   "Mask on the fixed grid: report Dice with the moved mask before/after");
    app.add_option("--metric-mask", metricMask_,
                   "Mask on the fixed grid (e.g. the target's outline): the similarity is "
                   "measured only in its bounding box grown by --metric-margin, so the transform "
                   "fits there (sessions of a limb differ by posture; no rigid transform fits "
                   "the whole field of view)");
    app.add_option("--metric-margin", metricMarginMm_,
                   "Margin around --metric-mask's box, mm (default 30)")
        ->check(CLI::Range(0.0, 500.0));
    fusion_.add(app);
  }
  int run(const CommandContext& context) override {
    RegistrationSettings s;
    if (!settings_.empty()) {
      const json file = StructuredFileReader::read(settings_);
      s = RegistrationSettings::fromJson(file, settings_);
      // A report of a run with a metric region replays only with that region.
      if (file.is_object() && file.contains("metric_mask") && metricMask_.empty()) {
        throw Error(ErrorCode::InvalidArgument,
                    settings_ + " was run with --metric-mask " +
                        file["metric_mask"].value("file", std::string("?")) + " --metric-margin " +
                        file["metric_mask"].value("margin_mm", json(30.0)).dump() +
                        ": give them to replay it");
      }
    }
    if (transformOption_->count() > 0) s.transform = transform_;  // the flag wins over the file
    if (!init_.empty()) s.initialization = init_;
    s.threads = context.threads;
    s.validate("register");
    if (!outMask_.empty() && movingMask_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "--out-mask needs --moving-mask");
    }
    if (!fixedMask_.empty() && movingMask_.empty()) {
      throw Error(ErrorCode::InvalidArgument,
                  "--fixed-mask needs --moving-mask (the Dice compares the two)");
    }
    const std::string tfm = outTransform_.empty() ? out_ + ".tfm" : outTransform_;
    const std::string img = outImage_.empty() ? out_ + ".nii.gz" : outImage_;
    OutputFileSet outputs;
    outputs.addInput(fixed_, "fixed image");
    outputs.addInput(moving_, "moving image");
    outputs.addInput(movingMask_, "--moving-mask");
    outputs.addInput(fixedMask_, "--fixed-mask");
    outputs.addInput(metricMask_, "--metric-mask");
    outputs.addInput(settings_, "--settings file");
    fusion_.declareInputs(outputs);
    const auto stagedTfm = outputs.addFile(tfm, {".tfm", ".txt"}, "--out-transform");
    const auto stagedImg = outputs.addFile(img, {".nii", ".nii.gz"}, "--out-image");
    const auto stagedJson = outputs.addFile(out_ + ".json", {}, "--out");
    const auto stagedMask = outMask_.empty()
                                ? std::filesystem::path()
                                : outputs.addFile(outMask_, {".nii", ".nii.gz"}, "--out-mask");
    fusion_.declare(outputs);

    const Image fixed = ImageFileReader::read(fixed_);
    ImageContentCheck::requireFinite(fixed, fixed_);
    ImageContentCheck::requireVarying(fixed, fixed_, "there is nothing to register it to");
    fusion_.checkAgainst(fixed, fixed_);
    const Image moving = ImageFileReader::read(moving_);
    ImageContentCheck::requireFinite(moving, moving_);
    ImageContentCheck::requireVarying(moving, moving_, "there is nothing to register");
    // A mask given as an image registers "successfully" to whatever its edges meet: said, as
    // the transform may still be what the user wants (mask to mask).
    std::vector<std::string> inputWarnings;
    for (const auto& [image, name] : {std::pair<const Image*, std::string>{&fixed, fixed_},
                                      std::pair<const Image*, std::string>{&moving, moving_}}) {
      const std::size_t n = ImageContentCheck::distinctValues(*image, 8);
      if (n <= 8) {
        inputWarnings.push_back(
            name + ": holds only " + std::to_string(n) +
            " distinct values, like a label mask rather than an acquired image; mutual "
            "information then aligns the mask's edges only (register the images, and move a "
            "mask with --moving-mask)");
      }
    }
    std::optional<Image> mMask, fMask;
    if (!movingMask_.empty()) {
      mMask = ImageFileReader::read(movingMask_);
      if (!mMask->sameGrid(moving, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch, movingMask_ + ": not on the moving image's grid");
      }
      mMask->geometry() = moving.geometry();
    }
    if (!fixedMask_.empty()) {
      fMask = ImageFileReader::read(fixedMask_);
      if (!fMask->sameGrid(fixed, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch, fixedMask_ + ": not on the fixed image's grid");
      }
      fMask->geometry() = fixed.geometry();
    }

    ImageRegistration registration(s);
    if (!metricMask_.empty()) {
      Image m = ImageFileReader::read(metricMask_);
      if (!m.sameGrid(fixed, 1e-3)) {
        throw Error(ErrorCode::GeometryMismatch, metricMask_ + ": not on the fixed image's grid");
      }
      m.geometry() = fixed.geometry();
      registration.setFixedRegion(grownBox(m, metricMarginMm_, metricMask_));
    }
    // Throws NotConverged before anything is written.
    const RegistrationResult r = registration.run(fixed, moving);
    auto t0 = std::chrono::steady_clock::now();
    auto lap = [&t0](const char* what) {
      const auto now = std::chrono::steady_clock::now();
      spdlog::debug("register: {} in {:.1f} s", what,
                    std::chrono::duration<double>(now - t0).count());
      t0 = now;
    };
    const Image moved = r.transform.resample(moving, fixed, Interpolation::Linear);
    lap("resampled the moving image");

    json report = r.report;
    if (!inputWarnings.empty()) {
      if (!report.contains("warnings")) report["warnings"] = json::array();
      for (const auto& w : inputWarnings) report["warnings"].push_back(w);
    }
    report["fixed"] = fixed_;
    if (!metricMask_.empty()) {
      report["metric_mask"] = {{"file", metricMask_}, {"margin_mm", metricMarginMm_}};
    }
    report["moving"] = moving_;
    report["command"] = context.commandLine;
    if (mMask) {
      const Image movedMask = r.transform.resample(*mMask, fixed, Interpolation::Nearest);
      if (!outMask_.empty()) NiftiWriter::write(movedMask, stagedMask);
      if (fMask) {
        const Image before = SpatialTransform().resample(*mMask, fixed, Interpolation::Nearest);
        report["mask_dice_before"] = MaskComparison::dice(before, *fMask);
        report["mask_dice_after"] = MaskComparison::dice(movedMask, *fMask);
      }
    }
    lap("moved the mask");
    report["fusion"] = fusion_.write(fixed, moved, "registration " + r.transform.describe());
    lap("wrote the fused views");
    r.transform.write(stagedTfm);
    NiftiWriter::write(moved, stagedImg);
    lap("wrote the transform and the resampled image");
    AtomicFile::write(stagedJson, report.dump(2) + "\n");
    outputs.commit();

    for (const auto& w : report.value("warnings", json::array())) {
      std::cerr << "warning: " << w.get<std::string>() << '\n';
    }
    if (context.json) {
      std::cout << report.dump(2) << '\n';
    } else {
      std::cout << "registered " << moving_ << " to " << fixed_ << ": " << r.transform.describe()
                << ", Mattes MI " << r.initialMetric << " -> " << r.finalMetric << " in "
                << r.seconds << " s\n"
                << "wrote " << tfm << ", " << img << ", " << out_ << ".json\n";
      if (report.contains("mask_dice_before")) {
        std::cout << "mask Dice " << report["mask_dice_before"] << " -> "
                  << report["mask_dice_after"] << "\n";
      }
    }
    return 0;
  }

 private:
  /// The bounding box of `mask`'s non-zero voxels grown by `marginMm`, as a mask on its grid.
  static Image grownBox(const Image& mask, double marginMm, const std::string& name) {
    const auto box = BoundingBoxCropper::nonZeroBox(MaskComparison::binary(mask));
    if (!box) throw Error(ErrorCode::EmptyInput, name + ": the metric mask is empty");
    const VoxelBox grown = BoundingBoxCropper::grow(*box, mask, {marginMm, marginMm, marginMm});
    Image region(PixelType::UInt8, mask.size(), 3, 1, mask.geometry());
    Image ones(PixelType::UInt8, {grown.size[0], grown.size[1], grown.size[2], 1}, 3);
    for (auto& v : ones.pixels<std::uint8_t>()) v = 1;
    BoundingBoxCropper::insert(region, ones, grown);
    return region;
  }

  CLI::Option* transformOption_ = nullptr;
  std::string metricMask_;
  double metricMarginMm_ = 30.0;
  std::string fixed_, moving_, transform_ = "rigid", init_, settings_, out_ = "registered",
                               outTransform_, outImage_, movingMask_, outMask_, fixedMask_;
  FusionOutputs fusion_;
};

class FuseCommand : public Command {
 public:
  std::string name() const override { return "fuse"; }
  std::string summary() const override {
    return "Fused view of an overlay (PET, MR) on a base image (CT) as PNG and/or DICOM; the "
           "overlay resampled onto the base grid as NIfTI (--out-image)";
  }
  void configure(CLI::App& app) override {
    app.add_option("base", base_, "Base image (e.g. CT)")->required();
    app.add_option("overlay", overlay_, "Overlay image (e.g. PET)")->required();
    app.add_option("--transform", transform_,
                   "Transform from `medsight register` (base point -> overlay point); default "
                   "identity (images already share patient coordinates)");
    app.add_option("--out-image", outImage_,
                   "Also write the overlay resampled onto the base grid (.nii/.nii.gz), e.g. a "
                   "PET carried onto the MR by the transform that registered its CT");
    app.add_option("--interpolation", interpolation_,
                   "Resampling of the overlay: linear (default), bspline, or nearest (masks)")
        ->check(CLI::IsMember({"linear", "bspline", "nearest"}));
    fusion_.add(app);
  }
  int run(const CommandContext& context) override {
    if (fusion_.png.empty() && fusion_.dicom.empty() && outImage_.empty()) {
      throw Error(ErrorCode::InvalidArgument,
                  "fuse: give --fuse-png, --fuse-dicom and/or --out-image");
    }
    OutputFileSet outputs;
    outputs.addInput(base_, "base image");
    outputs.addInput(overlay_, "overlay image");
    outputs.addInput(transform_, "--transform file");
    fusion_.declareInputs(outputs);
    fusion_.declare(outputs);
    const auto stagedImage = outImage_.empty()
                                 ? std::filesystem::path()
                                 : outputs.addFile(outImage_, {".nii", ".nii.gz"}, "--out-image");
    const Image base = ImageFileReader::read(base_);
    const Image overlay = ImageFileReader::read(overlay_);
    std::vector<std::string> warnings;
    if (!fusion_.png.empty() || !fusion_.dicom.empty()) {
      ImageContentCheck::requireFinite(base, base_);
      ImageContentCheck::requireFinite(overlay, overlay_);
      // A blank overlay would give a fusion that reads as "no uptake", as one off the field of
      // view.
      ImageContentCheck::requireVarying(overlay, overlay_,
                                        "a fusion of it would read as no uptake or signal");
    } else if (const std::size_t bad = ImageContentCheck::nonFiniteCount(overlay); bad > 0) {
      // --out-image alone is a resampling: the base gives only the grid, and an empty mask or a
      // PET with NaN outside its field of view is carried over as it is.
      warnings.push_back(overlay_ + ": " + std::to_string(bad) +
                         " voxels are not a number (NaN or infinite); they are carried into "
                         "--out-image");
    }
    const SpatialTransform t =
        transform_.empty() ? SpatialTransform() : SpatialTransform::read(transform_);
    fusion_.checkAgainst(base, base_);
    // An overlay outside the base's field of view would give a blank fusion that looks like
    // "no uptake": refused when nothing overlaps, a warning when under half does.
    if (base.spatialDimension() != 3 || overlay.spatialDimension() != 3) {
      throw Error(ErrorCode::InvalidArgument,
                  "fuse: needs two 3D volumes; " +
                      (base.spatialDimension() != 3 ? base_ : overlay_) + " is " +
                      std::to_string(base.spatialDimension() != 3 ? base.spatialDimension()
                                                                  : overlay.spatialDimension()) +
                      "D");
    }
    const double coverage = overlayCoverage(base, overlay, t);
    if (coverage == 0.0) {
      throw Error(ErrorCode::GeometryMismatch,
                  overlay_ + ": does not overlap " + base_ +
                      " at all: the two are not in the same patient coordinates (register them "
                      "and give the transform with --transform)");
    }
    if (coverage < 0.5) {
      warnings.push_back("the overlay covers only " + std::to_string(std::lround(100 * coverage)) +
                         "% of the base image; the rest of the fusion shows no overlay");
    }
    const Image moved = t.resample(overlay, base, parseInterpolation(interpolation_));
    json out = fusion_.write(base, moved, "fusion " + t.describe());
    out["overlay_coverage"] = coverage;
    out["warnings"] = warnings;
    for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
    if (!outImage_.empty()) {
      NiftiWriter::write(moved, stagedImage);
      out["image"] = outImage_;
    }
    outputs.commit();
    std::cout << (context.json ? out.dump(2) : "wrote " + out.dump()) << '\n';
    return 0;
  }

 private:
  std::string base_, overlay_, transform_, outImage_, interpolation_ = "linear";
  FusionOutputs fusion_;
};

}  // namespace

void registerRegistrationCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<RegisterCommand>());
  registry.add(std::make_unique<FuseCommand>());
}

}  // namespace medsight
