#include "server/StudyResults.h"

namespace medsight {

StudyResults StudyResults::load(StudyStore& studies, FindingStore& findings,
                                const std::string& studyUid) {
  StudyResults r;
  r.study = studies.requireStudy(studyUid);
  r.series = studies.seriesOf(r.study.id);
  r.findings = findings.findingsOf(r.study.id);
  r.reviews = findings.reviewsOf(r.study.id);
  r.outputs = findings.outputsOf(r.study.id);
  return r;
}

}  // namespace medsight
