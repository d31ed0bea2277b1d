// `medsight rtstruct to-mask|from-mask`, `medsight dicom-seg`, `medsight lungs`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/OutputFileSet.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/MaskComparison.h"
#include "segmentation/ContourRasterizer.h"
#include "segmentation/DicomSegWriter.h"
#include "segmentation/LungFieldSegmenter.h"
#include "segmentation/RtStructWriter.h"

namespace medsight {
namespace {

using nlohmann::json;

std::string formatValue(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

Image readMaskOn(const std::string& path, const ReferencedSeries& ref) {
  Image m = ImageFileReader::read(path);
  ref.requireGrid(m, path);
  m.geometry() = ref.image.geometry();
  // A structure is one binary region: 0 outside and one value inside. An image given by mistake
  // (an MR instead of its mask) would otherwise become a structure of every non-zero voxel.
  // (Compared in the mask's own pixel type: no copy of a large mask.)
  visitPixelType(m.pixelType(), [&](auto tag) {
    using T = decltype(tag);
    std::optional<T> inside;
    for (const T v : std::as_const(m).pixels<T>()) {
      if (v == T(0)) continue;
      if (!inside) inside = v;
      if (v != *inside) {
        throw Error(ErrorCode::LabelMismatch,
                    path + ": not a binary mask (holds " +
                        formatValue(static_cast<double>(*inside)) + " and " +
                        formatValue(static_cast<double>(v)) +
                        " besides 0): give one structure's mask, 0 outside and one value inside");
      }
    }
  });
  return m;
}

/// RT ROI Interpreted Type (3006,00A4), defined terms of DICOM PS3.3 C.8.8.8.
const std::vector<std::string> kInterpretedTypes{"EXTERNAL",
                                                 "PTV",
                                                 "CTV",
                                                 "GTV",
                                                 "TREATED_VOLUME",
                                                 "IRRAD_VOLUME",
                                                 "OAR",
                                                 "BOLUS",
                                                 "AVOIDANCE",
                                                 "ORGAN",
                                                 "MARKER",
                                                 "REGISTRATION",
                                                 "ISOCENTER",
                                                 "CONTRAST_AGENT",
                                                 "CAVITY",
                                                 "BRACHY_CHANNEL",
                                                 "BRACHY_ACCESSORY",
                                                 "BRACHY_SRC_APP",
                                                 "BRACHY_CHNL_SHLD",
                                                 "SUPPORT",
                                                 "FIXATION",
                                                 "DOSE_REGION",
                                                 "CONTROL",
                                                 "DOSE_MEASUREMENT"};

/// ROI Name (3006,0026) and Segment Label (0062,0005) are LO: 1 to 64 characters, no
/// backslash (PS3.5 6.2); an empty label names nothing a reader can show.
const CLI::Validator kStructureName(
    [](const std::string& v) -> std::string {
      if (v.empty()) return "a structure name is required";
      if (v.size() > 64) return "at most 64 characters (DICOM LO), not " + std::to_string(v.size());
      if (v.find('\\') != std::string::npos) return "no backslash (DICOM LO)";
      return {};
    },
    "NAME");

class RtStructCommand : public Command {
 public:
  std::string name() const override { return "rtstruct"; }
  std::string summary() const override {
    return "Convert RTSTRUCT contours to voxel masks (to-mask) and masks to RTSTRUCT (from-mask)";
  }
  void configure(CLI::App& app) override {
    app.require_subcommand(1);
    toMask_ = app.add_subcommand("to-mask", "RTSTRUCT ROI -> mask on the referenced image grid");
    toMask_->add_option("rtstruct", rtstruct_, "RTSTRUCT file")->required();
    toMask_->add_option("image", image_, "Referenced image (DICOM series folder or NIfTI)")
        ->required();
    toMask_->add_option("out_mask", out_, "Output mask (.nii/.nii.gz)")->required();
    toMask_->add_option("--roi", roi_, "ROI name (default: the only ROI)");
    toMask_->add_option("--reference", reference_, "Compare with this mask (volume, Dice)");
    toMask_->add_flag("--allow-partial", allowPartial_,
                      "Write the mask even when some contours lie beyond the image's slices or "
                      "between them (normally refused: the series is incomplete or not the one "
                      "the contours were drawn on); a warning names how many were left out");
    fromMask_ = app.add_subcommand("from-mask", "mask -> RTSTRUCT referencing a DICOM series");
    fromMask_->add_option("mask", mask_, "Mask on the series grid")->required();
    fromMask_->add_option("series", series_, "DICOM series folder the mask belongs to")->required();
    fromMask_->add_option("out", out_, "Output RTSTRUCT file")->required();
    fromMask_->add_option("--name", structure_.name, "ROI name")
        ->default_val(structure_.name)
        ->check(kStructureName);
    fromMask_
        ->add_option("--type", structure_.interpretedType,
                     "RT ROI Interpreted Type: GTV, CTV, PTV, ORGAN, OAR, ... (PS3.3 C.8.8.8)")
        ->default_val(structure_.interpretedType)
        ->transform(CLI::IsMember(kInterpretedTypes, CLI::ignore_case));
    fromMask_->add_option("--algorithm", structure_.algorithm, "AUTOMATIC, SEMIAUTOMATIC, MANUAL")
        ->default_val(structure_.algorithm)
        ->transform(CLI::IsMember({"AUTOMATIC", "SEMIAUTOMATIC", "MANUAL"}, CLI::ignore_case));
  }
  int run(const CommandContext& context) override {
    json out;
    // Outputs are checked before any work and written only when the whole run succeeds.
    OutputFileSet outputs;
    if (toMask_->parsed()) {
      outputs.addInput(rtstruct_, "RTSTRUCT file");
      outputs.addInput(image_, "referenced image");
      outputs.addInput(reference_, "--reference mask");
      const auto staged = outputs.addFile(out_, {".nii", ".nii.gz"}, "out_mask");
      const RtStructureSet rs = RtStructureSet::read(rtstruct_);
      const RtRoi& roi = rs.roi(roi_);
      const Image image = ImageFileReader::read(image_);
      RasterizationReport report;
      const Image mask = ContourRasterizer::rasterize(roi, image, &report);
      std::vector<std::string> warnings;
      const std::size_t missed =
          report.contoursOutside + report.contoursOffSlice + report.contoursBesideImage;
      if (missed > 0) {
        // A mask silently missing part of the structure would be read as the whole of it.
        const std::string what =
            "RTSTRUCT ROI '" + roi.name + "': " + std::to_string(missed) + " of its " +
            std::to_string(roi.contours.size()) + " contours are not on a slice of " + image_ +
            " (" + std::to_string(report.contoursOutside) + " beyond its first or last slice, " +
            std::to_string(report.contoursOffSlice) + " between slices, " +
            std::to_string(report.contoursBesideImage) + " beside it in the slice plane)";
        if (!allowPartial_) {
          throw Error(ErrorCode::GeometryMismatch,
                      what +
                          ": the series looks incomplete or is not the one the contours were "
                          "drawn on; give the whole referenced series, or --allow-partial to "
                          "write the " +
                          std::to_string(report.contoursUsed) + " contours that are on it");
        }
        warnings.push_back(what + "; the mask holds only the " +
                           std::to_string(report.contoursUsed) + " that are");
      }
      out = {{"roi", roi.name},
             {"mask", out_},
             {"volume_ml", MaskComparison::volumeMl(mask)},
             {"contours_used", report.contoursUsed},
             {"contours_off_slice", report.contoursOffSlice},
             {"contours_outside", report.contoursOutside},
             {"contours_beside_image", report.contoursBesideImage}};
      if (!reference_.empty()) {
        Image ref = ImageFileReader::read(reference_);
        if (!ref.sameGrid(mask, 1e-3)) {
          throw Error(ErrorCode::GeometryMismatch, reference_ + ": not on the image grid");
        }
        ref.geometry() = mask.geometry();
        out["reference_volume_ml"] = MaskComparison::volumeMl(ref);
        out["dice"] = MaskComparison::dice(mask, ref);
      }
      out["warnings"] = warnings;
      for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
      NiftiWriter::write(mask, staged);
    } else {
      outputs.addInput(mask_, "mask");
      outputs.addInput(series_, "series folder");
      const auto staged = outputs.addFile(out_, {}, "out");
      const ReferencedSeries ref = ReferencedSeries::read(series_);
      ExportedStructure st = structure_;
      st.mask = readMaskOn(mask_, ref);
      RtStructWriter::write({st}, ref, staged);
      out = {{"rtstruct", out_}, {"roi", st.name}, {"series", ref.series.seriesInstanceUid}};
    }
    outputs.commit();
    std::cout << (context.json ? out.dump(2) : "wrote " + out.dump()) << '\n';
    return 0;
  }

 private:
  CLI::App* toMask_ = nullptr;
  CLI::App* fromMask_ = nullptr;
  std::string rtstruct_, image_, out_, roi_, reference_, mask_, series_;
  bool allowPartial_ = false;
  ExportedStructure structure_;
};

class DicomSegCommand : public Command {
 public:
  std::string name() const override { return "dicom-seg"; }
  std::string summary() const override {
    return "Write a mask as a DICOM Segmentation (SEG) object referencing its DICOM series";
  }
  void configure(CLI::App& app) override {
    app.add_option("mask", mask_, "Mask on the series grid")->required();
    app.add_option("series", series_, "DICOM series folder the mask belongs to")->required();
    app.add_option("out", out_, "Output SEG file")->required();
    app.add_option("--name", structure_.name, "Segment label")
        ->default_val(structure_.name)
        ->check(kStructureName);
    app.add_option("--type", structure_.interpretedType,
                   "GTV, CTV or PTV (coded as a neoplasm) or ORGAN (an anatomical structure)")
        ->default_val(structure_.interpretedType)
        ->transform(CLI::IsMember({"GTV", "CTV", "PTV", "ORGAN"}, CLI::ignore_case));
  }
  int run(const CommandContext& context) override {
    OutputFileSet outputs;
    outputs.addInput(mask_, "mask");
    outputs.addInput(series_, "series folder");
    const auto staged = outputs.addFile(out_, {}, "out");
    const ReferencedSeries ref = ReferencedSeries::read(series_);
    ExportedStructure st = structure_;
    st.mask = readMaskOn(mask_, ref);
    DicomSegWriter::write(st, ref, staged);
    outputs.commit();
    const json out{{"seg", out_}, {"segment", st.name}, {"series", ref.series.seriesInstanceUid}};
    std::cout << (context.json ? out.dump(2) : "wrote " + out.dump()) << '\n';
    return 0;
  }

 private:
  std::string mask_, series_, out_;
  ExportedStructure structure_;
};

class LungsCommand : public Command {
 public:
  std::string name() const override { return "lungs"; }
  std::string summary() const override {
    return "Segment the lung fields of a chest CT and apply the chest-CT quality gate";
  }
  void configure(CLI::App& app) override {
    app.add_option("ct", ct_, "Chest CT (DICOM folder or NIfTI, HU)")->required();
    app.add_option("out_mask", out_, "Output lung mask (.nii/.nii.gz)");
    app.add_flag("--require-gate", require_,
                 "Fail (WrongModality) when the image does not pass the chest-CT gate");
    app.add_option("--threshold", settings_.airThresholdHu, "Air threshold in HU (-1024 to 0)");
  }
  int run(const CommandContext& context) override {
    // Lung parenchyma lies near -850 HU and soft tissue above -100: a threshold outside air's
    // range (or NaN) gives an empty or whole-body mask, not lungs.
    if (!(settings_.airThresholdHu >= -1024 && settings_.airThresholdHu <= 0)) {
      throw Error(ErrorCode::InvalidArgument,
                  "lungs: --threshold must be an air threshold from -1024 to 0 HU, got " +
                      std::to_string(settings_.airThresholdHu));
    }
    OutputFileSet outputs;
    outputs.addInput(ct_, "CT");
    const auto staged = out_.empty() ? std::filesystem::path()
                                     : outputs.addFile(out_, {".nii", ".nii.gz"}, "out_mask");
    Image ct = ImageFileReader::read(ct_);
    ImageContentCheck::requireFinite(ct, ct_);
    const LungFieldResult r = LungFieldSegmenter(settings_).segment(ct);
    // With --require-gate a CT that fails the gate gets no mask file: the run failed.
    const bool writeMask = !out_.empty() && !(require_ && !r.gatePassed);
    if (writeMask) {
      NiftiWriter::write(r.mask, staged);
      outputs.commit();
    }
    const json out{{"volume_ml", r.volumeMl},
                   {"right_ml", r.rightVolumeMl},
                   {"left_ml", r.leftVolumeMl},
                   {"sides_separated", r.sidesSeparated},
                   {"components", r.components},
                   {"slice_fraction", r.sliceFraction},
                   {"gate_passed", r.gatePassed},
                   {"gate_reasons", r.gateReasons},
                   {"mask", writeMask ? json(out_) : json(nullptr)}};
    std::cout << (context.json ? out.dump(2) : out.dump()) << '\n';
    if (require_ && !r.gatePassed) {
      std::string why;
      for (const auto& s : r.gateReasons) why += (why.empty() ? "" : "; ") + s;
      throw Error(ErrorCode::WrongModality, ct_ + ": not a chest CT with lungs in view: " + why);
    }
    return 0;
  }

 private:
  std::string ct_, out_;
  bool require_ = false;
  LungFieldSettings settings_;
};

}  // namespace

/// \brief Registers the contour, SEG and lung commands (called by registerSegmentationCommands).
void registerContourCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<RtStructCommand>());
  registry.add(std::make_unique<DicomSegCommand>());
  registry.add(std::make_unique<LungsCommand>());
}

}  // namespace medsight
