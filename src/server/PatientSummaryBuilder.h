#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "server/StudyResults.h"

namespace medsight {

/// \brief The plain-language patient summary of a signed study, in English or Chinese, from
/// the doctor-reviewed findings through src/language's PatientSummaryWriter (message catalogue
/// only: nothing is invented), marked as AI-assisted and doctor-reviewed.
class PatientSummaryBuilder {
 public:
  /// \brief {"language", "text", "sentences", "ai_assisted", "reviewed_by"}. Throws Conflict
  /// for an unsigned study, InvalidArgument for a language other than "en"/"zh".
  static nlohmann::json build(const StudyResults& results, const std::string& language);
};

}  // namespace medsight
