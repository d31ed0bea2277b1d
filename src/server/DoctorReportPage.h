#pragma once

#include <string>

#include "server/StudyResults.h"

namespace medsight {

/// \brief A self-contained HTML report for the doctor: study and patient header, the AI
/// findings with probability, threshold, model name/version/weights hash and review status,
/// series refused by the quality gate with their reasons, the doctor's text, review history and
/// signature. Printable (CSS for paper), no scripts, everything escaped.
class DoctorReportPage {
 public:
  /// \brief The page.
  static std::string render(const StudyResults& results);
  /// \brief Escapes &, <, >, " and ' for HTML text and attributes.
  static std::string escape(const std::string& text);
};

}  // namespace medsight
