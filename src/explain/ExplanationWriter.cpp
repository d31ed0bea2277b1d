#include "explain/ExplanationWriter.h"

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "explain/HeatmapOverlay.h"
#include "io/DicomDerivedImageWriter.h"
#include "io/DicomHeader.h"
#include "io/NiftiWriter.h"
#include "io/RasterImageIO.h"
#include "models/ModelManifest.h"

namespace medsight {

nlohmann::json ExplanationFiles::toJson() const {
  nlohmann::json j{{"heatmap", heatmap.string()},
                   {"overlay", overlay.string()},
                   {"description", description.string()}};
  if (!dicomFolder.empty()) {
    j["dicom"] = dicomFolder.string();
    j["dicom_files"] = nlohmann::json::array();
    for (const auto& f : dicomFiles) j["dicom_files"].push_back(f.string());
  } else {
    j["dicom"] = nullptr;
    j["dicom_skipped"] = dicomSkippedReason;
  }
  return j;
}

ExplanationFiles ExplanationWriter::write(const Image& image, const Explanation& explanation,
                                          const ModelManifest& manifest,
                                          const std::filesystem::path& folder,
                                          const std::string& stem, bool dicom) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error(ErrorCode::FileWriteFailed, folder.string() + ": " + ec.message());
  const std::string method = explanationMethodName(explanation.method);
  const std::string base = stem + "." + method;
  ExplanationFiles files;
  files.heatmap = folder / (base + ".heatmap.nii.gz");
  NiftiWriter::write(explanation.heatmap, files.heatmap);
  const Image overlay = HeatmapOverlay::render(image, explanation.heatmap);
  files.overlay = folder / (base + ".overlay.png");
  RasterImageIO::writePng(overlay, files.overlay);

  const auto format = image.metadata().find("source.format");
  const auto path = image.metadata().find("source.path");
  if (!dicom) {
    files.dicomSkippedReason = "not requested";
  } else if (format == image.metadata().end() || format->second != "DICOM" ||
             path == image.metadata().end()) {
    files.dicomSkippedReason =
        "input is not DICOM: a Secondary Capture needs the source study's patient and study";
  } else {
    DerivedSeriesOptions options;
    const std::string methodTitle = explanation.method == ExplanationMethod::GradCam ? "Grad-CAM"
                                    : explanation.method == ExplanationMethod::Occlusion
                                        ? "Occlusion"
                                        : "Integrated gradients";
    // Series Description (LO) holds 64 characters at most (PS3.5 6.2).
    options.seriesDescription =
        ("MedSight " + methodTitle + " " + explanation.targetLabel).substr(0, 64);
    options.seriesNumber = 9101 + static_cast<int>(explanation.method);
    options.derivationDescription =
        (methodTitle + " heatmap of " + manifest.name + " " + manifest.version + " for '" +
         explanation.targetLabel + "' (p=" + std::to_string(explanation.targetProbability) +
         "); not for primary diagnosis")
            .substr(0, 1024);
    options.software = "MedSight explain";
    files.dicomFolder = folder / (base + ".dicom");
    files.dicomFiles = DicomDerivedImageWriter::write(overlay, {readDicomHeader(path->second)},
                                                      files.dicomFolder, options);
  }
  nlohmann::json description = explanation.toJson();
  description["model"] = {{"name", manifest.name},
                          {"version", manifest.version},
                          {"weights_sha256", manifest.weightsHash()}};
  if (path != image.metadata().end()) description["input"] = path->second;
  files.description = folder / (base + ".json");
  description["files"] = files.toJson();
  AtomicFile::write(files.description, description.dump(2) + "\n");
  return files;
}

}  // namespace medsight
