#pragma once

#include <nlohmann/json.hpp>

#include "server/StudyResults.h"

namespace medsight {

/// \brief HL7 FHIR R4 resources for a study's results: a `Bundle` (type collection) with one
/// `DiagnosticReport` (LOINC 18748-4, preliminary until signed, final after) and one
/// `Observation` per finding (SNOMED CT code, present/absent as the doctor decided or as the AI
/// proposed, the calibrated probability as a component, the model name/version as device and
/// its weights hash as a note), linked to the study by its Study Instance UID.
class FhirReportBuilder {
 public:
  /// \brief The bundle.
  static nlohmann::json build(const StudyResults& results);
};

}  // namespace medsight
