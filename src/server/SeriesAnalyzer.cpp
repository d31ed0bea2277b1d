#include "server/SeriesAnalyzer.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "io/DicomDerivedImageWriter.h"
#include "io/DicomFileReader.h"
#include "models/ImageClassifier.h"
#include "server/HeatmapRenderer.h"

namespace medsight {
namespace fs = std::filesystem;
namespace {

/// Removes a folder of plaintext copies when the analysis ends, whatever happens.
struct ScratchFolder {
  explicit ScratchFolder(fs::path p) : path(std::move(p)) {
    fs::remove_all(path);
    fs::create_directories(path);
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace);
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

AnalysisOutcome refuse(std::string reason) {
  AnalysisOutcome out;
  out.reason = std::move(reason);
  return out;
}

}  // namespace

SeriesAnalyzer::SeriesAnalyzer(const InstanceFileStore& files, const ModelRouter& router,
                               ModelCatalog& models, fs::path scratch)
    : files_(files), router_(router), models_(models), scratch_(std::move(scratch)) {}

AnalysisOutcome SeriesAnalyzer::analyse(const SeriesRecord& series,
                                        const std::vector<InstanceRecord>& instances) {
  if (instances.empty()) return refuse("series has no instances");
  const RouteDecision route = router_.route(series.modality, series.bodyPart, series.photometric);
  if (!route.rule) return refuse(route.reason);
  const RoutingRule& rule = *route.rule;
  if (static_cast<int>(instances.size()) > rule.maxImages) {
    return refuse(std::to_string(instances.size()) + " images; model " + rule.model +
                  " reads series of at most " + std::to_string(rule.maxImages));
  }
  std::string why;
  const ImageClassifier* classifier = models_.find(rule.model, why);
  if (!classifier) return refuse(why);

  ScratchFolder scratch(scratch_ / ("series-" + std::to_string(series.id)));
  AnalysisOutcome out;
  std::vector<Image> images;
  std::vector<fs::path> paths;
  for (const auto& instance : instances) {
    const fs::path path = scratch.path / (instance.sopUid + ".dcm");
    files_.extract(instance.fileName, path);
    const std::string name = "instance " + instance.sopUid;
    Image image;
    try {
      image = DicomFileReader::read(path);
    } catch (const Error& e) {
      return refuse(name + " cannot be read as an image: " + e.what());
    }
    // The input quality gate: refuse rather than guess on input the model was not made for.
    const auto size = image.size();
    if (size.z != 1 || size.t != 1) {
      return refuse(name + ": multi-frame or volume object; model " + rule.model +
                    " reads single 2D images");
    }
    if (image.components() != 1)
      return refuse(name + ": colour image; model " + rule.model + " reads greyscale");
    const int smaller = static_cast<int>(std::min(size.x, size.y));
    const int larger = static_cast<int>(std::max(size.x, size.y));
    if (smaller < rule.minSize || larger > rule.maxSize) {
      return refuse(name + ": " + std::to_string(size.x) + "x" + std::to_string(size.y) +
                    " pixels is outside the accepted " + std::to_string(rule.minSize) + ".." +
                    std::to_string(rule.maxSize));
    }
    const auto [lo, hi] = image.minMax();
    if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) {
      return refuse(name + ": blank image (all pixels " + std::to_string(lo) + ")");
    }
    try {
      classifier->checkAccepts(image, name);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::WrongModality) throw;
      return refuse(e.what());
    }
    images.push_back(std::move(image));
    paths.push_back(path);
    if (out.sourcePart10.empty()) out.sourcePart10 = slurp(path);
    DicomObjectSummary evidence;
    evidence.sopClassUid = instance.sopClassUid;
    evidence.sopInstanceUid = instance.sopUid;
    evidence.seriesInstanceUid = series.seriesUid;
    evidence.modality = series.modality;
    out.evidence.push_back(std::move(evidence));
  }

  const auto predictions = classifier->predict(images);
  std::size_t best = 0;
  nlohmann::json perImage = nlohmann::json::array();
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    perImage.push_back(
        {{"sop_instance_uid", instances[i].sopUid}, {"probability", predictions[i].probability}});
    if (predictions[i].probability > predictions[best].probability) best = i;
  }
  const auto& manifest = classifier->manifest();
  FindingRecord f;
  f.conceptId = rule.conceptId;
  f.label = predictions[best].labelName;
  f.probability = predictions[best].probability;
  f.threshold = manifest.threshold;
  f.positive = predictions[best].label == 1;
  f.modelName = manifest.name;
  f.modelVersion = manifest.version;
  f.weightsSha256 = manifest.weightsHash();
  f.instanceUid = instances[best].sopUid;
  nlohmann::json details{
      {"aggregation",
       images.size() > 1 ? "highest probability over the series' images" : "single image"},
      {"images", perImage},
      {"body_part", rule.bodyPartName},
      {"threshold_rule", manifest.thresholdRule},
      {"uncalibrated_probability", predictions[best].uncalibrated}};

  std::string description;
  if (auto overlay = HeatmapRenderer::gradCamOverlay(*classifier, images[best], description)) {
    DerivedSeriesOptions options;
    options.seriesDescription = "MedSight heatmap " + rule.conceptId;
    options.seriesNumber = 9101;
    options.derivationDescription = description;
    options.software = "MedSight";
    const auto written = DicomDerivedImageWriter::write(*overlay, {readDicomHeader(paths[best])},
                                                        scratch.path / "heatmap", options);
    for (const auto& file : written) {
      out.outputs.push_back(DicomObject::parse(slurp(file), "heatmap " + file.filename().string()));
      f.heatmapSeriesUid = out.outputs.back().summary.seriesInstanceUid;
    }
    details["heatmap"] = description;
  } else {
    details["heatmap"] = description;
  }
  f.details = details.dump();
  out.findings.push_back(std::move(f));
  out.state = "analysed";
  return out;
}

}  // namespace medsight
