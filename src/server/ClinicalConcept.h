#pragma once

#include <string>

namespace medsight {

/// \brief How a finding concept is coded in DICOM SR and FHIR (SNOMED CT), and where in the
/// body it is.
struct ClinicalConcept {
  std::string id;          ///< MedSight concept id (data/language/concepts.tsv)
  std::string snomedCode;  ///< SNOMED CT concept
  std::string display;     ///< SNOMED CT preferred term
  std::string siteCode;    ///< SNOMED CT finding site
  std::string siteDisplay;

  /// \brief The coding of a concept id; throws InvalidArgument for ids without one.
  static ClinicalConcept lookup(const std::string& id);
};

}  // namespace medsight
