#include "server/ClinicalConcept.h"

#include <array>

#include "core/Error.h"

namespace medsight {

ClinicalConcept ClinicalConcept::lookup(const std::string& id) {
  // SNOMED CT International codes for the findings of the shipped models.
  static const std::array<ClinicalConcept, 2> table{{
      {"pneumonia", "233604007", "Pneumonia", "39607008", "Lung structure"},
      {"tumour", "126952004", "Neoplasm of brain", "12738006", "Brain structure"},
  }};
  for (const auto& c : table) {
    if (c.id == id) return c;
  }
  throw Error(ErrorCode::InvalidArgument,
              "concept '" + id + "' has no SNOMED CT coding in MedSight");
}

}  // namespace medsight
