#include "preprocess/PreprocessPipeline.h"

#include <itkMultiThreaderBase.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>

#include <spdlog/spdlog.h>
#include "core/Error.h"
#include "core/ParallelFor.h"
#include "core/StructuredFileReader.h"
#include "preprocess/AdaptiveHistogramEqualizer.h"
#include "preprocess/BiasFieldCorrector.h"
#include "preprocess/BoundingBoxCropper.h"
#include "preprocess/ClaheEnhancer.h"
#include "preprocess/CtWindowNormalizer.h"
#include "preprocess/CurvatureDiffusionDenoiser.h"
#include "preprocess/FatReferenceNormalizer.h"
#include "preprocess/MedianDenoiser.h"
#include "preprocess/NonLocalMeansDenoiser.h"
#include "preprocess/PercentileNormalizer.h"
#include "preprocess/SpacingResampler.h"
#include "preprocess/UnsharpMaskEnhancer.h"
#include "preprocess/ZScoreNormalizer.h"

namespace medsight {
namespace {

using Factory =
    std::function<std::unique_ptr<PreprocessStep>(const nlohmann::json&, const std::string&)>;

template <class T>
Factory make() {
  return [](const nlohmann::json& j, const std::string& c) { return std::make_unique<T>(j, c); };
}

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table{
      {"median", make<MedianDenoiser>()},
      {"curvature_diffusion", make<CurvatureDiffusionDenoiser>()},
      {"non_local_means", make<NonLocalMeansDenoiser>()},
      {"adaptive_histogram_equalization", make<AdaptiveHistogramEqualizer>()},
      {"clahe", make<ClaheEnhancer>()},
      {"unsharp_mask", make<UnsharpMaskEnhancer>()},
      {"n4_bias_correction", make<BiasFieldCorrector>()},
      {"ct_window", make<CtWindowNormalizer>()},
      {"zscore", make<ZScoreNormalizer>()},
      {"percentile", make<PercentileNormalizer>()},
      {"fat_reference", make<FatReferenceNormalizer>()},
      {"resample", make<SpacingResampler>()},
      {"crop", make<BoundingBoxCropper>()},
  };
  return table;
}

std::unique_ptr<PreprocessStep> createStep(const nlohmann::json& step, const std::string& context) {
  if (!step.is_object() || !step.contains("step") || !step.at("step").is_string()) {
    throw Error(ErrorCode::InvalidConfiguration,
                context + ": each step needs a \"step\" name, e.g. {\"step\": \"median\"}");
  }
  const std::string name = step.at("step").get<std::string>();
  const auto it = factories().find(name);
  if (it == factories().end()) {
    std::string known;
    for (const auto& n : PreprocessPipeline::knownSteps()) known += (known.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::InvalidConfiguration,
                context + ": unknown step '" + name + "'; known steps: " + known);
  }
  return it->second(step, context + " (" + name + ")");
}

nlohmann::json parseOrEmpty(const MetadataDictionary& metadata, const char* key) {
  const auto it = metadata.find(key);
  if (it == metadata.end() || it->second.empty()) return nullptr;
  try {
    return nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData,
                std::string("image metadata '") + key + "' is not valid JSON: " + e.what());
  }
}

}  // namespace

PreprocessPipeline::PreprocessPipeline() = default;
PreprocessPipeline::~PreprocessPipeline() = default;
PreprocessPipeline::PreprocessPipeline(PreprocessPipeline&&) noexcept = default;
PreprocessPipeline& PreprocessPipeline::operator=(PreprocessPipeline&&) noexcept = default;

void PreprocessPipeline::useThreads(int threads) {
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(
      static_cast<unsigned>(resolveThreadCount(threads)));
  cv::setNumThreads(resolveThreadCount(threads));
}

std::vector<std::string> PreprocessPipeline::knownSteps() {
  std::vector<std::string> names;
  for (const auto& [name, f] : factories()) names.push_back(name);
  return names;
}

nlohmann::json PreprocessPipeline::withPreOpenCvMeaning(const nlohmann::json& pipeline) {
  nlohmann::json out = pipeline;
  nlohmann::json* steps = out.is_object() && out.contains("steps") ? &out["steps"] : &out;
  if (!steps->is_array()) return out;  // fromJson names the problem
  for (auto& step : *steps) {
    if (!step.is_object() || !step.contains("step") || !step["step"].is_string()) continue;
    const std::string name = step["step"].get<std::string>();
    // Settings only the OpenCV steps have prove the step was written when they existed.
    const bool openCvClahe = step.contains("clip_limit") || step.contains("tiles") ||
                             step.contains("low_percentile") || step.contains("high_percentile");
    if (name == "clahe" && !openCvClahe) step["step"] = "adaptive_histogram_equalization";
    if (name == "non_local_means" && !step.contains("method") && !step.contains("strength")) {
      step["method"] = "itk";
    }
  }
  return out;
}

PreprocessPipeline PreprocessPipeline::fromJson(const nlohmann::json& j,
                                                const std::string& context) {
  const nlohmann::json* steps = &j;
  if (j.is_object()) {
    if (j.contains("format") && j.at("format") != kFormat) {
      throw Error(ErrorCode::InvalidConfiguration,
                  context + ": format " + j.at("format").dump() + " is not " + kFormat);
    }
    if (!j.contains("steps")) {
      throw Error(ErrorCode::InvalidConfiguration, context + ": no \"steps\" list");
    }
    // A misspelt key ("stpes") would otherwise be dropped with everything under it.
    for (const auto& [key, value] : j.items()) {
      if (key != "format" && key != "steps" && key != "description") {
        throw Error(ErrorCode::InvalidConfiguration,
                    context + ": unknown key \"" + key +
                        "\" (a pipeline has \"steps\", and optionally \"format\" and "
                        "\"description\")");
      }
    }
    steps = &j.at("steps");
  }
  if (!steps->is_array()) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": \"steps\" must be a list");
  }
  PreprocessPipeline p;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    p.steps_.push_back(createStep((*steps)[i], context + ": step " + std::to_string(i + 1)));
  }
  return p;
}

PreprocessPipeline PreprocessPipeline::fromFile(const std::filesystem::path& path) {
  return fromJson(StructuredFileReader::read(path), path.string());
}

PreprocessPipeline PreprocessPipeline::fromMetadata(const MetadataDictionary& metadata) {
  const auto j = parseOrEmpty(metadata, kPipelineKey);
  if (j.is_null()) {
    throw Error(ErrorCode::InvalidArgument,
                "the image carries no preprocessing record (metadata 'preprocess.pipeline')");
  }
  return fromJson(j, "recorded pipeline");
}

void PreprocessPipeline::add(const nlohmann::json& step) {
  steps_.push_back(createStep(step, "step " + std::to_string(steps_.size() + 1)));
}

nlohmann::json PreprocessPipeline::toJson() const {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : steps_) {
    nlohmann::json j = s->parameters();
    j["step"] = s->name();
    steps.push_back(j);
  }
  return {{"format", kFormat}, {"steps", steps}};
}

bool PreprocessPipeline::usesOpenCv() const {
  return std::any_of(steps_.begin(), steps_.end(), [](const auto& s) {
    return s->name() == "clahe" ||
           (s->name() == "non_local_means" && s->parameters().value("method", "") == "opencv");
  });
}

void PreprocessPipeline::run(PreprocessSubject& subject) const {
  if (subject.image.empty()) throw Error(ErrorCode::EmptyInput, "preprocess: the image is empty");
  if (subject.mask && !subject.mask->sameGrid(subject.image)) {
    throw Error(ErrorCode::GeometryMismatch,
                "preprocess: the mask and the image do not share a voxel grid (size, spacing, "
                "origin and direction must match)");
  }
  nlohmann::json pipeline = parseOrEmpty(subject.image.metadata(), kPipelineKey);
  nlohmann::json record = parseOrEmpty(subject.image.metadata(), kRecordKey);
  if (pipeline.is_null()) pipeline = {{"format", kFormat}, {"steps", nlohmann::json::array()}};
  if (record.is_null()) record = nlohmann::json::array();
  for (const auto& step : steps_) {
    const auto start = std::chrono::steady_clock::now();
    nlohmann::json measured = step->apply(subject);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json params = step->parameters();
    params["step"] = step->name();
    pipeline["steps"].push_back(params);
    record.push_back({{"step", step->name()},
                      {"parameters", step->parameters()},
                      {"measured", measured},
                      {"seconds", seconds}});
    spdlog::debug("preprocess: {} took {:.2f} s", step->name(), seconds);
  }
  subject.image.metadata()[kPipelineKey] = pipeline.dump();
  subject.image.metadata()[kRecordKey] = record.dump();
  if (subject.mask) {
    subject.mask->metadata()[kPipelineKey] = pipeline.dump();
  }
}

Image PreprocessPipeline::run(const Image& image) const {
  PreprocessSubject subject{image, std::nullopt};
  run(subject);
  return std::move(subject.image);
}

}  // namespace medsight
