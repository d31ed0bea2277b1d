#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/Image.h"

namespace medsight {

/// \brief What a preprocessing step works on: an image and, optionally, a label mask on the
/// same grid. Geometric steps (resampling, cropping) move the mask with the image (nearest
/// neighbour); intensity steps leave it alone but may read it (e.g. z-score inside the mask).
struct PreprocessSubject {
  Image image;
  std::optional<Image> mask;
};

/// \brief One replayable preprocessing operation. A step is fully described by its name and
/// parameters (JSON), so a model can record the steps it was trained with and replay them
/// exactly on new images; values a step measures on the image (a z-score's mean, a crop box)
/// are returned by apply() for the audit record but are never needed to replay it.
class PreprocessStep {
 public:
  virtual ~PreprocessStep() = default;
  /// \brief Step name as written in pipeline files ("median", "resample", ...).
  virtual std::string name() const = 0;
  /// \brief Every parameter, defaults included, so the record replays without guessing.
  virtual nlohmann::json parameters() const = 0;
  /// \brief Transforms the subject in place; returns values measured on this image.
  virtual nlohmann::json apply(PreprocessSubject& subject) const = 0;
  /// \brief True when the step changes the voxel grid (the mask is then moved with it).
  virtual bool changesGrid() const { return false; }
};

}  // namespace medsight
