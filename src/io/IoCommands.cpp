// `medsight info` and `medsight convert`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/ImageContentCheck.h"
#include "core/ProgressReporter.h"
#include "io/DicomFileReader.h"
#include "io/DicomSeriesScanner.h"
#include "io/DisplayRenderer.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "io/NpzReader.h"
#include "io/NpzWriter.h"
#include "io/RasterImageIO.h"

namespace medsight {
namespace {

using nlohmann::json;

json geometryJson(const Image& image) {
  const auto& g = image.geometry();
  return {{"size", {image.size().x, image.size().y, image.size().z, image.size().t}},
          {"dimension", image.spatialDimension()},
          {"components", image.components()},
          {"pixel_type", pixelTypeName(image.pixelType())},
          {"spacing_mm", g.spacing},
          {"origin_mm", g.origin},
          {"direction", g.direction},
          {"orientation", g.orientationCode()}};
}

// Identifying attributes are left out unless asked for: `info` output ends up in tickets and logs.
const char* kIdentifying[] = {"PatientName", "PatientID", "StudyDate", "source.path"};

json imageJson(const Image& image, bool identifiers) {
  json out = geometryJson(image);
  out["modality"] = image.modality();
  const auto [lo, hi] = image.minMax();
  out["min"] = lo;
  out["max"] = hi;
  out["non_finite_voxels"] = ImageContentCheck::nonFiniteCount(image);
  json meta = json::object();
  for (const auto& [k, v] : image.metadata()) {
    bool hidden = false;
    for (const char* id : kIdentifying) hidden = hidden || (!identifiers && k == id);
    if (!hidden) meta[k] = v;
  }
  out["metadata"] = meta;
  return out;
}

json scanJson(const DicomScanResult& scan) {
  json series = json::array();
  for (const auto& s : scan.series) {
    const auto& h = s.instances.front();
    series.push_back({{"series_instance_uid", s.seriesInstanceUid},
                      {"study_instance_uid", s.studyInstanceUid},
                      {"modality", s.modality},
                      {"description", s.seriesDescription},
                      {"series_number", s.seriesNumber},
                      {"instances", s.instances.size()},
                      {"size", {h.columns, h.rows, s.positions, s.timePoints}},
                      {"slice_spacing_mm", s.sliceSpacing},
                      {"pixel_spacing_mm", h.pixelSpacing ? json(*h.pixelSpacing) : json()},
                      {"transfer_syntax", h.transferSyntaxName},
                      {"gantry_tilt_degrees", s.gantryTiltDegrees},
                      {"warnings", s.warnings}});
  }
  json failures = json::array();
  for (const auto& [file, reason] : scan.failures)
    failures.push_back({{"file", file}, {"error", reason}});
  return {{"format", "DICOM folder"},
          {"series", series},
          {"failures", failures},
          {"non_image_instances", scan.nonImageInstances},
          {"skipped_non_dicom", scan.skippedNonDicom}};
}

void printImageText(const json& j) {
  std::cout << "format:      " << j.value("format", "") << '\n'
            << "modality:    " << j["modality"].get<std::string>() << '\n'
            << "size:        " << j["size"][0] << " x " << j["size"][1] << " x " << j["size"][2]
            << (j["size"][3] > 1 ? " x " + j["size"][3].dump() + " frames" : "") << " ("
            << j["components"] << " component(s), " << j["pixel_type"].get<std::string>() << ")\n"
            << "spacing mm:  " << j["spacing_mm"][0] << ", " << j["spacing_mm"][1] << ", "
            << j["spacing_mm"][2] << '\n'
            << "origin mm:   " << j["origin_mm"][0] << ", " << j["origin_mm"][1] << ", "
            << j["origin_mm"][2] << '\n'
            << "orientation: " << j["orientation"].get<std::string>() << '\n'
            << "range:       " << j["min"] << " .. " << j["max"] << '\n';
  if (j["non_finite_voxels"].get<std::size_t>() > 0) {
    std::cout << "not a number: " << j["non_finite_voxels"]
              << " voxels are NaN or infinite (the range is that of the others)\n";
  }
  const auto& m = j["metadata"];
  for (const char* key : {"TransferSyntaxName", "PhotometricInterpretation", "SeriesDescription",
                          "PixelSpacingSource", "WindowCenter", "WindowWidth", "series.warnings"}) {
    if (m.contains(key)) std::cout << key << ": " << m[key].get<std::string>() << '\n';
  }
}

class InfoCommand : public Command {
 public:
  std::string name() const override { return "info"; }
  std::string summary() const override {
    return "Describe an image file or a folder of DICOM series (geometry, modality, encoding)";
  }
  void configure(CLI::App& app) override {
    app.add_option("path", path_, "Image file (DICOM, NIfTI, PNG, JPEG, npz, npy) or folder")
        ->required();
    app.add_flag("--identifiers", identifiers_,
                 "Include patient name/ID, study date and file paths in the output");
  }
  int run(const CommandContext& context) override {
    const ImageFileFormat format = detectImageFileFormat(path_);
    json out;
    if (format == ImageFileFormat::DicomFolder) {
      out = scanJson(DicomSeriesScanner::scan(path_, true, context.threads));
      if (out["series"].empty() && out["failures"].empty()) {
        throw Error(ErrorCode::EmptyInput, path_ + ": no DICOM image series found");
      }
    } else if (format == ImageFileFormat::Npz) {
      const NpzReader npz(path_);
      json arrays = json::array();
      for (const auto& n : npz.arrayNames()) {
        const NpyArray a = npz.read(n);
        arrays.push_back({{"name", n}, {"dtype", a.descr()}, {"shape", a.shape()}});
      }
      out = {{"format", "NumPy npz"}, {"arrays", arrays}};
    } else if (format == ImageFileFormat::Unknown) {
      std::error_code ec;
      if (!std::filesystem::exists(path_, ec)) {
        throw Error(ErrorCode::FileNotFound, path_ + ": no such file or folder");
      }
      throw Error(ErrorCode::UnsupportedFormat,
                  path_ + ": not a DICOM, NIfTI, PNG, JPEG or NumPy file");
    } else {
      const Image image = ImageFileReader::read(path_, {"", 0, context.threads});
      out = imageJson(image, identifiers_);
      out["format"] = std::string(imageFileFormatName(format));
    }
    if (context.json) {
      std::cout << out.dump(2) << '\n';
    } else if (out.contains("series")) {
      for (const auto& s : out["series"]) {
        std::cout << s["modality"].get<std::string>() << "  " << s["size"][0] << "x" << s["size"][1]
                  << "x" << s["size"][2] << "  spacing " << s["slice_spacing_mm"] << " mm  "
                  << s["instances"] << " files  " << s["description"].get<std::string>() << "  "
                  << s["series_instance_uid"].get<std::string>() << '\n';
        for (const auto& w : s["warnings"])
          std::cout << "  warning: " << w.get<std::string>() << '\n';
      }
      for (const auto& f : out["failures"]) {
        std::cout << "unreadable: " << f["file"].get<std::string>() << ": "
                  << f["error"].get<std::string>() << '\n';
      }
    } else if (out.contains("arrays")) {
      for (const auto& a : out["arrays"]) {
        std::cout << a["name"].get<std::string>() << "  " << a["dtype"].get<std::string>() << "  "
                  << a["shape"].dump() << '\n';
      }
    } else {
      printImageText(out);
    }
    return 0;
  }

 private:
  std::string path_;
  bool identifiers_ = false;
};

std::string lowerExtension(const std::filesystem::path& p) {
  std::string name = p.filename().string();
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.ends_with(".nii.gz")) return ".nii.gz";
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? "" : name.substr(dot);
}

class ConvertCommand : public Command {
 public:
  std::string name() const override { return "convert"; }
  std::string summary() const override {
    return "Convert images: DICOM series/NIfTI/npz to NIfTI, PNG, JPEG or npz; npz to a PNG "
           "folder";
  }
  void configure(CLI::App& app) override {
    app.add_option("input", input_, "Input file or DICOM folder")->required();
    app.add_option("output", output_,
                   "Output file (.nii, .nii.gz, .png, .jpg, .npz) or folder (for npz -> PNG)")
        ->required();
    app.add_option("--window", window_,
                   "Display window for PNG/JPEG: a preset (lung, mediastinum, bone, brain, "
                   "abdomen, liver) or CENTER,WIDTH");
    app.add_option("--slice", slice_, "Slice of a volume to export as PNG/JPEG (default middle)");
    app.add_option("--series", series_, "Series Instance UID to read from a DICOM folder");
    app.add_option("--array", array_, "Array of an npz archive (default: *_images)");
    app.add_option("--index", index_, "Image index within an npz/npy stack");
    app.add_option("--limit", limit_, "For npz -> PNG folder: at most this many images");
    app.add_flag("--interpolate-missing-slices", interpolateMissingSlices_,
                 "Read a DICOM series with slices missing by interpolating each from its "
                 "neighbours (refused otherwise; the output's warnings list them)");
  }

  int run(const CommandContext& context) override {
    std::optional<DisplayWindow> window;
    if (!window_.empty()) {
      const auto comma = window_.find(',');
      if (comma == std::string::npos) {
        window = DisplayWindow::preset(window_);
      } else {
        try {
          window = DisplayWindow{std::stod(window_.substr(0, comma)),
                                 std::stod(window_.substr(comma + 1))};
        } catch (const std::exception&) {
          throw Error(ErrorCode::InvalidArgument, "--window '" + window_ + "' is not CENTER,WIDTH");
        }
      }
    }
    const std::string ext = lowerExtension(output_);
    const ImageFileFormat inFormat = detectImageFileFormat(input_);
    std::error_code ec;
    if (std::filesystem::equivalent(input_, output_, ec)) {
      throw Error(ErrorCode::InvalidArgument, "output would overwrite the input " + input_);
    }
    if (inFormat == ImageFileFormat::Npz && ext.empty()) return npzToPngFolder(window);

    const Image image =
        ImageFileReader::read(input_, {inFormat == ImageFileFormat::Npz ? array_ : series_, index_,
                                       context.threads, interpolateMissingSlices_});
    if (const auto w = image.metadata().find("series.warnings"); w != image.metadata().end()) {
      std::istringstream lines(w->second);
      for (std::string line; std::getline(lines, line);) std::cerr << "warning: " << line << '\n';
    }
    if (ext == ".nii" || ext == ".nii.gz") {
      NiftiWriter::write(image, output_);
    } else if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") {
      const std::size_t z = slice_ >= 0 ? static_cast<std::size_t>(slice_) : image.size().z / 2;
      const Image picture = DisplayRenderer::render(image, window, z);
      if (ext == ".png")
        RasterImageIO::writePng(picture, output_);
      else
        RasterImageIO::writeJpeg(picture, output_);
    } else if (ext == ".npz") {
      const Image f = image.castTo(PixelType::Float32);
      NpzWriter writer(output_);
      // (N, [D,] H, W[, C]) with N the frames of a time series (1 otherwise), in C order.
      std::vector<std::size_t> shape{image.size().t};
      if (image.spatialDimension() == 3) shape.push_back(image.size().z);
      shape.push_back(image.size().y);
      shape.push_back(image.size().x);
      if (image.components() > 1) shape.push_back(static_cast<std::size_t>(image.components()));
      writer.addFloat32("images", shape, f.pixels<float>());
      writer.addFloat32(
          "spacing", {3},
          std::vector<float>(image.geometry().spacing.begin(), image.geometry().spacing.end()));
      writer.close();
    } else {
      throw Error(ErrorCode::InvalidArgument,
                  output_ + ": unknown output type (use .nii, .nii.gz, .png, .jpg or .npz)");
    }
    if (context.json) {
      std::cout
          << json{{"input", input_}, {"output", output_}, {"geometry", geometryJson(image)}}.dump(2)
          << '\n';
    } else {
      std::cout << "wrote " << output_ << '\n';
    }
    return 0;
  }

 private:
  int npzToPngFolder(const std::optional<DisplayWindow>& window) {
    const NpzReader npz(input_);
    std::string array = array_;
    if (array.empty()) {
      for (const auto& n : npz.arrayNames()) {
        if (n.ends_with("images")) {
          array = n;
          break;
        }
      }
    }
    if (array.empty()) throw Error(ErrorCode::InvalidArgument, input_ + ": give --array");
    const NpyArray stack = npz.read(array);
    std::filesystem::create_directories(output_);
    const std::size_t n =
        limit_ > 0 ? std::min<std::size_t>(static_cast<std::size_t>(limit_), stack.imageCount())
                   : stack.imageCount();
    ProgressReporter progress("convert", n);
    for (std::size_t i = 0; i < n; ++i) {
      Image image = stack.image(i);
      const Image picture = image.pixelType() == PixelType::UInt8 && !window
                                ? image
                                : DisplayRenderer::render(image, window, image.size().z / 2);
      char name[64];
      std::snprintf(name, sizeof name, "%s_%06zu.png", array.c_str(), i);
      RasterImageIO::writePng(picture, std::filesystem::path(output_) / name);
      progress.advance();
    }
    progress.finish();
    std::cout << "wrote " << n << " PNG files to " << output_ << '\n';
    return 0;
  }

  std::string input_, output_, window_, series_, array_;
  long slice_ = -1;
  std::size_t index_ = 0;
  long limit_ = 0;
  bool interpolateMissingSlices_ = false;
};

}  // namespace

/// \brief Registers the io module's commands (info, convert).
void registerIoCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<InfoCommand>());
  registry.add(std::make_unique<ConvertCommand>());
}

}  // namespace medsight
