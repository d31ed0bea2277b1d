#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "language/FindingAttributes.h"
#include "language/SentenceSegmenter.h"

namespace medsight {

/// \brief A section heading found in a report and the defaults it sets for what follows.
struct SectionHeading {
  /// \brief Bytes of the heading including its colon.
  TextSpan span;
  /// \brief Section id ("findings", "impression", "past_history", ...; "other" if unknown).
  std::string section;
  /// \brief Temporality of findings under it unless a trigger says otherwise.
  Temporality temporality = Temporality::Recent;
  /// \brief Experiencer of findings under it unless a trigger says otherwise.
  Experiencer experiencer = Experiencer::Patient;
};

/// \brief Finds report section headings ("FINDINGS:", "Past medical history:", "印象：") with
/// RE2: the known headings of data/language/sections.tsv, plus any all-capitals label ending in
/// a colon as an unknown section (it ends the previous section). Thread-safe.
class SectionDetector {
 public:
  /// \brief Compiles the headings of `path`; throws InvalidConfiguration on a bad row.
  explicit SectionDetector(const std::filesystem::path& path);
  ~SectionDetector();
  SectionDetector(SectionDetector&&) noexcept;
  SectionDetector& operator=(SectionDetector&&) noexcept;

  /// \brief Headings of `text` in document order.
  std::vector<SectionHeading> find(std::string_view text) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace medsight
