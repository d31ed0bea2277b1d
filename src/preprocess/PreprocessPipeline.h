#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "preprocess/PreprocessStep.h"

namespace medsight {

/// \brief An ordered list of preprocessing steps read from JSON and replayable from the record
/// it leaves in each image's metadata.
///
/// File format ("medsight-preprocess/1"): `{"steps": [{"step": "n4_bias_correction"},
/// {"step": "resample", "spacing": [1, 1, 3]}, {"step": "zscore", "region": "foreground"}]}`
/// (a bare array of steps is accepted too; the same in YAML, e.g. `steps: [{step: median}]`).
/// Running a pipeline appends to two metadata keys: `preprocess.pipeline` (the replayable steps,
/// with every parameter) and `preprocess.record` (per step: parameters, values measured on this
/// image, run time).
class PreprocessPipeline {
 public:
  /// \brief Metadata key holding the replayable pipeline JSON.
  static constexpr const char* kPipelineKey = "preprocess.pipeline";
  /// \brief Metadata key holding the per-step audit record JSON.
  static constexpr const char* kRecordKey = "preprocess.record";
  /// \brief Format tag written into pipeline JSON.
  static constexpr const char* kFormat = "medsight-preprocess/1";

  PreprocessPipeline();
  ~PreprocessPipeline();
  PreprocessPipeline(PreprocessPipeline&&) noexcept;
  PreprocessPipeline& operator=(PreprocessPipeline&&) noexcept;

  /// \brief Parses a pipeline; `context` (e.g. the file name) prefixes every error. Unknown
  /// steps and unknown parameters are InvalidConfiguration errors.
  static PreprocessPipeline fromJson(const nlohmann::json& j, const std::string& context);
  /// \brief Reads a pipeline file, JSON or YAML (.yaml/.yml); BadJson / FileNotFound /
  /// InvalidConfiguration on failure.
  static PreprocessPipeline fromFile(const std::filesystem::path& path);
  /// \brief The pipeline an image was produced with (from its `preprocess.pipeline` metadata);
  /// throws InvalidArgument when the image carries none.
  static PreprocessPipeline fromMetadata(const MetadataDictionary& metadata);
  /// \brief Caps the threads of every ITK filter and OpenCV function the steps run (0 = all
  /// cores). ITK's own default is every core, which ignores `medsight --threads`.
  static void useThreads(int threads);
  /// \brief Names of every step a pipeline may use.
  static std::vector<std::string> knownSteps();
  /// \brief What a pipeline stored before MedSight ran steps through OpenCV (2026-11-27) meant,
  /// made explicit: `clahe` was another name for ITK's adaptive histogram equalisation, and a
  /// `non_local_means` step without a `method` was ITK's patch-based filter. A step with a
  /// setting only the OpenCV version has (`clip_limit`, `tiles`, `*_percentile`, `strength`)
  /// was written later and is left alone. Stored pipelines that do not say which era wrote them
  /// (segmentation package format 1) pass through this so they replay as they were trained.
  static nlohmann::json withPreOpenCvMeaning(const nlohmann::json& pipeline);

  /// \brief Appends a step (a JSON step object).
  void add(const nlohmann::json& step);
  /// \brief Number of steps.
  std::size_t size() const { return steps_.size(); }
  /// \brief Replayable JSON (format tag and every parameter of every step).
  nlohmann::json toJson() const;
  /// \brief True when a step runs through OpenCV (`clahe`, or `non_local_means` with method
  /// "opencv"): a MedSight from before them would read such a pipeline differently.
  bool usesOpenCv() const;

  /// \brief Runs every step on the subject and records them in the image's metadata. Throws
  /// GeometryMismatch when a mask is given on another grid.
  void run(PreprocessSubject& subject) const;
  /// \brief Convenience: runs on an image without a mask.
  Image run(const Image& image) const;

 private:
  std::vector<std::unique_ptr<PreprocessStep>> steps_;
};

}  // namespace medsight
