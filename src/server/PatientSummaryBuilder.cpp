#include "server/PatientSummaryBuilder.h"

#include <ctime>

#include "core/Error.h"
#include "language/LanguageDataDirectory.h"
#include "language/PatientSummaryWriter.h"

namespace medsight {

nlohmann::json PatientSummaryBuilder::build(const StudyResults& r, const std::string& language) {
  if (language != "en" && language != "zh") {
    throw Error(ErrorCode::InvalidArgument, "lang '" + language + "': use en or zh");
  }
  if (r.study.state != "signed") {
    throw Error(
        ErrorCode::Conflict,
        "study " + r.study.studyUid + ": patient summaries are written from signed results only");
  }
  SignedStudy signedStudy;
  signedStudy.signedBy = r.study.signedBy;
  const std::time_t t = static_cast<std::time_t>(r.study.signedAt / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  signedStudy.signedOn = date;
  for (const auto& s : r.series) {
    if (s.origin == "acquired" && signedStudy.modality.empty()) signedStudy.modality = s.modality;
  }
  for (const auto& f : r.findings) {
    if (f.status == "proposed") continue;  // only what the doctor reviewed
    SignedFinding sf;
    sf.conceptId = f.conceptId;
    sf.present = f.doctorPresent.value_or(f.positive);
    if (f.status == "accepted") sf.probability = f.probability;
    signedStudy.findings.push_back(sf);
    if (signedStudy.bodyPart.empty()) {
      const auto details = nlohmann::json::parse(f.details, nullptr, false);
      if (details.is_object()) signedStudy.bodyPart = details.value("body_part", std::string());
    }
  }
  if (signedStudy.bodyPart.empty()) signedStudy.bodyPart = "other";
  const PatientSummaryWriter writer(
      LanguageDataDirectory::file("patient_summary.json"),
      language == "zh" ? TextLanguage::Chinese : TextLanguage::English);
  const PatientSummary summary = writer.write(signedStudy);
  return {{"language", summary.language},
          {"text", summary.text()},
          {"sentences", summary.sentences},
          {"ai_assisted", true},
          {"reviewed_by", r.study.signedBy},
          {"notice", language == "zh" ? "本结果由人工智能辅助生成，并经医生审核签字。"
                                      : "These results were prepared with the help of AI software "
                                        "and checked and signed by your doctor."}};
}

}  // namespace medsight
