#pragma once

#include <string>

#include "classical/ClassicalModelPackage.h"

namespace medsight {

/// \brief Writes the model card (Markdown) of a classical model package from its manifest:
/// intended use, model, data and split with content hashes, nested-CV metrics with CIs,
/// feature importance, decision rules, limitations, member files with SHA-256 and the command
/// that reproduces it — the same sections as the deep-learning model cards.
class ClassicalModelCard {
 public:
  /// \brief The card; `limitations` (Markdown, may be empty) is added to the generated caveats.
  static std::string render(const LoadedPackage& package, const std::string& limitations);
};

}  // namespace medsight
