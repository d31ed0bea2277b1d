#include <gtest/gtest.h>

#include <fstream>

#include "core/Error.h"
#include "server/DoctorReportPage.h"
#include "server/FhirReportBuilder.h"
#include "server/ModelRouter.h"
#include "server/PasswordHasher.h"
#include "server/PatientSummaryBuilder.h"
#include "server/SampleStudyWriter.h"
#include "server/ServerConfig.h"
#include "server/StructuredReportWriter.h"
#include "support/TestData.h"

namespace medsight {
namespace {

DicomObject sampleImage() {
  Image image(PixelType::UInt8, {32, 32, 1, 1}, 2);
  auto px = image.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i % 200);
  SampleStudySpec spec;
  spec.patientName = "Li^Wei";
  spec.accessionNumber = "A42";
  return DicomObject::parse(SampleStudyWriter::write({image}, spec).at(0), "sample");
}

FindingRecord finding(double p, const std::string& status = "proposed") {
  FindingRecord f;
  f.id = 7;
  f.conceptId = "pneumonia";
  f.label = p >= 0.5 ? "pneumonia" : "normal";
  f.probability = p;
  f.threshold = 0.5;
  f.positive = p >= 0.5;
  f.modelName = "pneumonia-cxr";
  f.modelVersion = "1.0.0";
  f.weightsSha256 = std::string(64, 'c');
  f.status = status;
  f.details = R"({"body_part": "chest"})";
  if (status != "proposed") {
    f.reviewedBy = "u-radiologist";
    f.doctorPresent = true;
  }
  return f;
}

/// Writes an SR and checks it with DCMTK's dsrdump and dicom3tools' dciodvfy.
void validateSr(const DicomObject& sr, const std::string& expectCompletion) {
  const auto path = test::temporaryDirectory("sr") / "sr.dcm";
  std::ofstream(path, std::ios::binary) << sr.part10;
  std::string out, err;
  ASSERT_EQ(test::runCommand("dsrdump -Ee " + path.string(), &out, &err), 0) << err;
  EXPECT_NE(out.find("Imaging Measurement Report"), std::string::npos) << out;
  EXPECT_NE(out.find("Pneumonia"), std::string::npos) << out;
  EXPECT_NE(out.find("pneumonia-cxr"), std::string::npos);
  EXPECT_NE(out.find(expectCompletion), std::string::npos) << out;
  test::runCommand("dciodvfy " + path.string(), &out, &err);
  const std::string report = out + err;
  EXPECT_EQ(report.find("Error"), std::string::npos) << report;
  EXPECT_NE(report.find("EnhancedSR"), std::string::npos) << report;
}

TEST(StructuredReportWriter, AiResultIsAValidPreliminaryTid1500Report) {
  const auto source = sampleImage();
  const auto sr =
      StructuredReportWriter::write(source.part10, {source.summary}, {finding(0.91)}, {});
  EXPECT_EQ(sr.summary.modality, "SR");
  EXPECT_EQ(sr.summary.studyInstanceUid, source.summary.studyInstanceUid)
      << "SR must land in the same study";
  EXPECT_NE(sr.summary.seriesInstanceUid, source.summary.seriesInstanceUid);
  EXPECT_EQ(sr.summary.patientName, "Li^Wei");
  validateSr(sr, "PARTIAL");
}

TEST(StructuredReportWriter, SignedReportIsFinalAndVerified) {
  const auto source = sampleImage();
  StructuredReportOptions options;
  options.signedBy = "Radiologist^Test";
  options.reportText = "Right lower lobe consolidation.";
  const auto sr = StructuredReportWriter::write(source.part10, {source.summary},
                                                {finding(0.91, "accepted")}, options);
  validateSr(sr, "VERIFIED");
}

TEST(FhirReportBuilder, BundleHasReportAndObservationWithModelAndProbability) {
  StudyResults r;
  r.study.studyUid = "1.2.3";
  r.study.patientId = "P1";
  r.study.studyDate = "20240102";
  r.study.state = "analysed";
  r.findings = {finding(0.8)};
  const auto bundle = FhirReportBuilder::build(r);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  ASSERT_EQ(bundle["entry"].size(), 2u);
  const auto& report = bundle["entry"][0]["resource"];
  EXPECT_EQ(report["resourceType"], "DiagnosticReport");
  EXPECT_EQ(report["status"], "preliminary");
  EXPECT_EQ(report["code"]["coding"][0]["code"], "18748-4");
  EXPECT_EQ(report["effectiveDateTime"], "2024-01-02");
  EXPECT_EQ(report["result"][0]["reference"], bundle["entry"][1]["fullUrl"]);
  const auto& obs = bundle["entry"][1]["resource"];
  EXPECT_EQ(obs["code"]["coding"][0]["code"], "233604007");
  EXPECT_EQ(obs["valueCodeableConcept"]["coding"][0]["code"], "52101004");
  EXPECT_DOUBLE_EQ(obs["component"][0]["valueQuantity"]["value"].get<double>(), 0.8);
  EXPECT_EQ(obs["device"]["display"], "pneumonia-cxr 1.0.0");
}

TEST(DoctorReportPage, EscapesTextAndMarksPreliminary) {
  StudyResults r;
  r.study.studyUid = "1.2.3";
  r.study.patientName = "<script>alert(1)</script>";
  r.study.state = "analysed";
  r.findings = {finding(0.7)};
  const auto html = DoctorReportPage::render(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("PRELIMINARY"), std::string::npos);
  EXPECT_NE(html.find("70.0%"), std::string::npos);
}

TEST(PatientSummaryBuilder, SignedStudyGetsEnglishAndChineseSummaries) {
  StudyResults r;
  r.study.studyUid = "1.2.3";
  r.study.state = "analysed";
  r.study.signedBy = "Dr Test";
  r.findings = {finding(0.9, "accepted")};
  SeriesRecord s;
  s.modality = "CR";
  r.series = {s};
  EXPECT_THROW(PatientSummaryBuilder::build(r, "en"), Error) << "unsigned study summarised";
  r.study.state = "signed";
  r.study.signedAt = 1700000000000;
  const auto en = PatientSummaryBuilder::build(r, "en");
  EXPECT_NE(en["text"].get<std::string>().find("pneumonia"), std::string::npos) << en.dump();
  EXPECT_TRUE(en["ai_assisted"].get<bool>());
  const auto zh = PatientSummaryBuilder::build(r, "zh");
  EXPECT_NE(zh["text"].get<std::string>().find("肺炎"), std::string::npos) << zh.dump();
  EXPECT_THROW(PatientSummaryBuilder::build(r, "fr"), Error);
}

TEST(ModelRouter, RoutesByModalityAndBodyPartAndExplainsRefusals) {
  const auto router = ModelRouter::builtIn();
  EXPECT_EQ(router.route("DX", "CHEST", "MONOCHROME2").rule->model, "pneumonia-cxr");
  EXPECT_EQ(router.route("CR", "chest", "MONOCHROME1").rule->model, "pneumonia-cxr");
  EXPECT_EQ(router.route("MR", "HEAD", "MONOCHROME2").rule->model, "brain-mri-tumour");
  const auto knee = router.route("MR", "KNEE", "MONOCHROME2");
  EXPECT_EQ(knee.rule, nullptr);
  EXPECT_NE(knee.reason.find("KNEE"), std::string::npos);
  EXPECT_NE(router.route("CT", "CHEST", "MONOCHROME2").reason.find("CT"), std::string::npos);
  EXPECT_NE(router.route("CR", "CHEST", "RGB").reason.find("greyscale"), std::string::npos);
  EXPECT_NE(router.route("DX", "", "MONOCHROME2").reason.find("not stated"), std::string::npos);
}

TEST(PasswordHasher, Argon2idHashesVerifyAndRefuseWrongPasswords) {
  const auto hash = PasswordHasher::hash("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(PasswordHasher::verify(hash, "correct horse"));
  EXPECT_FALSE(PasswordHasher::verify(hash, "correct horsf"));
  EXPECT_FALSE(PasswordHasher::verify("garbage", "x"));
  EXPECT_THROW(PasswordHasher::hash("short"), Error);
  EXPECT_NE(PasswordHasher::newToken(), PasswordHasher::newToken());
}

TEST(ServerConfig, ListeningBeyondLoopbackNeedsTls) {
  ServerConfig c;
  EXPECT_NO_THROW(c.validate());
  c.host = "0.0.0.0";
  EXPECT_THROW(c.validate(), Error);
  c.tlsCertificate = "cert.pem";
  c.tlsKey = "key.pem";
  EXPECT_NO_THROW(c.validate());
  c.aeTitle = "WAY_TOO_LONG_AE_TITLE";
  EXPECT_THROW(c.validate(), Error);
  EXPECT_THROW(c.merge(nlohmann::json{{"bogus", 1}}, "cfg.json"), Error);
}

}  // namespace
}  // namespace medsight
