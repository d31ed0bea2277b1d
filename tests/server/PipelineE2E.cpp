// End-to-end: real studies through the DICOM network path, analysis, review, signing and
// validated DICOM SR; the same through Orthanc.
#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ServerTestHarness.h"
#include "server/HeatmapRenderer.h"
#include "store/StudyStore.h"
#include "support/TestData.h"

extern char** environ;

namespace medsight {
namespace {
namespace fs = std::filesystem;

void validateSrFile(const fs::path& path) {
  std::string out, err;
  ASSERT_EQ(test::runCommand("dsrdump " + path.string(), &out, &err), 0) << err;
  EXPECT_NE(out.find("Imaging Measurement Report"), std::string::npos);
  test::runCommand("dciodvfy " + path.string(), &out, &err);
  EXPECT_EQ((out + err).find("Error"), std::string::npos) << out << err;
}

TEST(DicomPipelineE2E, StorescuStudiesAreTriagedReviewedSignedWithAValidSr) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const auto models = test::pneumoniaModelsFolder();
  test::ServerTestHarness h([&](ServerConfig& c) { c.modelsDir = models; });
  const auto files = test::writeChestStudies(test::temporaryDirectory("cxr"), 4);
  std::string log;
  ASSERT_EQ(h.storescu(files, "MEDSIGHT", &log), 0) << log;
  ASSERT_TRUE(h.waitForJobs(180)) << "analysis did not finish";

  const auto worklist = h.getJson("/api/worklist", "radiologist")["worklist"];
  ASSERT_EQ(worklist.size(), 4u) << worklist.dump();
  for (std::size_t i = 0; i < worklist.size(); ++i) {
    ASSERT_EQ(worklist[i]["state"], "analysed") << worklist[i].dump();
    ASSERT_EQ(worklist[i]["findings"].size(), 1u);
    if (i > 0) {
      EXPECT_LE(worklist[i]["urgency_tier"].get<int>(), worklist[i - 1]["urgency_tier"].get<int>());
      if (worklist[i]["urgency_tier"] == 2 && worklist[i - 1]["urgency_tier"] == 2) {
        EXPECT_LE(worklist[i]["urgency"].get<double>(), worklist[i - 1]["urgency"].get<double>());
      }
    }
  }
  const std::string uid = worklist[0]["study_uid"];
  int status = 0;
  const auto study = h.getJson("/api/studies/" + uid, "radiologist", &status);
  ASSERT_EQ(status, 200);
  const auto& finding = study["findings"][0];
  EXPECT_EQ(finding["model"]["name"], "pneumonia-cxr");
  EXPECT_EQ(finding["model"]["weights_sha256"].get<std::string>().size(), 64u);
  if (HeatmapRenderer::available()) {
    EXPECT_FALSE(finding["heatmap_series_uid"].get<std::string>().empty()) << finding.dump();
  }
  bool hasSr = false;
  for (const auto& o : study["outputs"]) hasSr |= o["kind"] == "sr";
  EXPECT_TRUE(hasSr) << "the AI result SR was not stored in the study";

  auto c = h.client();
  const auto dr = h.auth("radiologist");
  auto res = c.Post("/api/findings/" + std::to_string(finding["id"].get<int>()) + "/review", dr,
                    R"({"action": "accept", "comment": "agree"})", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = c.Put("/api/studies/" + uid + "/report", dr, R"({"text": "Findings as marked by AI."})",
              "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = c.Post("/api/studies/" + uid + "/sign", dr, "", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;

  res = c.Get("/api/studies/" + uid + "/reports/sr", dr);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/dicom");
  const fs::path sr = test::temporaryDirectory("sr") / "final.dcm";
  std::ofstream(sr, std::ios::binary) << res->body;
  validateSrFile(sr);
  std::string dump, err;
  test::runCommand("dsrdump " + sr.string(), &dump, &err);
  EXPECT_NE(dump.find("VERIFIED"), std::string::npos);

  const auto fhir = nlohmann::json::parse(c.Get("/api/studies/" + uid + "/reports/fhir", dr)->body);
  EXPECT_EQ(fhir["entry"][0]["resource"]["status"], "final");
  for (const char* lang : {"en", "zh"}) {
    const auto summary =
        h.getJson("/api/studies/" + uid + "/reports/summary?lang=" + lang, "radiologist", &status);
    EXPECT_EQ(status, 200) << summary.dump();
  }
  EXPECT_EQ(c.Get("/api/studies/" + uid + "/reports/html", dr)->status, 200);
}

TEST(DicomPipelineE2E, WrongAeTitleAndMalformedObjectsAreRefusedAndNothingIsStored) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  test::ServerTestHarness h([](ServerConfig& c) {
    c.allowedPeers = {{"TESTSCU", ""}};
    c.workerThreads = 0;
  });
  const auto dir = test::temporaryDirectory("bad");
  const auto files = test::writeChestStudies(dir, 2);
  std::string log;
  EXPECT_NE(h.storescu({files[0]}, "NOT_MEDSIGHT", &log), 0) << log;
  EXPECT_NE(test::runCommand("TCP_NODELAY=1 storescu -aet STRANGER -aec MEDSIGHT 127.0.0.1 " +
                                 std::to_string(h.config().dicomPort) + " " + files[0].string(),
                             nullptr, nullptr),
            0);
  // A valid file without its Series Instance UID: C-STORE failure status, nothing stored.
  std::string out, err;
  ASSERT_EQ(test::runCommand("dcmodify -nb -ea \"(0020,000e)\" " + files[1].string(), &out, &err),
            0)
      << err;
  h.storescu({files[1]}, "MEDSIGHT", &log);
  EXPECT_NE(log.find("Received Store Response"), std::string::npos) << log;
  EXPECT_EQ(log.find("Store Response (Success)"), std::string::npos)
      << "refused object acknowledged: " << log;
  EXPECT_TRUE(h.server().studies().listStudies().empty()) << "refused objects were stored";
  // The receiver is still up and stores the good object.
  EXPECT_EQ(h.storescu({files[0]}, "MEDSIGHT", &log), 0) << log;
  EXPECT_EQ(h.server().studies().listStudies().size(), 1u);
}

TEST(DicomPipelineE2E, RealMrSeriesFromTwoConcurrentSendersIsOneStudyNotAnalysedWithTheReason) {
  // The image series only (MR_T1/mask holds an RTSTRUCT, a second series of the study).
  MEDSIGHT_DATASET(mr, "sts/dicom/STS_001/MR_T1/image");
  test::ServerTestHarness h;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(mr)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  // Two modalities send the same series at the same time (e.g. a retry overlapping the first
  // transfer): every instance is acknowledged, and they end in one study tree.
  std::string log1, log2;
  int status1 = -1, status2 = -1;
  std::thread second([&] { status2 = h.storescu(files, "MEDSIGHT", &log2); });
  status1 = h.storescu(files, "MEDSIGHT", &log1);
  second.join();
  ASSERT_EQ(status1, 0) << log1;
  ASSERT_EQ(status2, 0) << log2;
  ASSERT_TRUE(h.waitForJobs(60));
  const auto studies = h.server().studies().listStudies();
  ASSERT_EQ(studies.size(), 1u);
  const auto series = h.server().studies().seriesOf(studies[0].id);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].instanceCount, static_cast<std::int64_t>(files.size()));
  const auto list = h.getJson("/api/worklist", "radiologist")["worklist"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "not_analysed");
  EXPECT_NE(list[0]["not_analysed_reason"].get<std::string>().find("no model for MR"),
            std::string::npos)
      << list.dump();
  EXPECT_EQ(list[0]["urgency_tier"], 1);
}

/// An Orthanc started for one test with a generated configuration; stopped at the end.
class OrthancProcess {
 public:
  OrthancProcess(int medsightDicomPort) : http_(test::freePort()), dicom_(test::freePort()) {
    dir_ = test::temporaryDirectory("orthanc");
    const nlohmann::json config{
        {"Name", "MedSightTest"},
        {"StorageDirectory", (dir_ / "storage").string()},
        {"IndexDirectory", (dir_ / "index").string()},
        {"HttpPort", http_},
        {"DicomPort", dicom_},
        {"DicomAet", "ORTHANC"},
        {"RemoteAccessAllowed", false},
        {"AuthenticationEnabled", false},
        {"StableAge", 1},
        {"DicomCheckCalledAet", false},
        {"Plugins", nlohmann::json::array()},
        {"DicomModalities", {{"medsight", {"MEDSIGHT", "127.0.0.1", medsightDicomPort}}}}};
    std::ofstream(dir_ / "orthanc.json") << config.dump(2);
    const std::string configPath = (dir_ / "orthanc.json").string();
    const std::string logPath = "--logdir=" + dir_.string();
    char* argv[] = {const_cast<char*>("Orthanc"), const_cast<char*>(logPath.c_str()),
                    const_cast<char*>(configPath.c_str()), nullptr};
    setenv("TCP_NODELAY", "1", 1);
    if (posix_spawnp(&pid_, "Orthanc", nullptr, nullptr, argv, environ) != 0) pid_ = 0;
    for (int i = 0; i < 100 && pid_; ++i) {
      httplib::Client c("127.0.0.1", http_);
      if (auto r = c.Get("/system"); r && r->status == 200) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~OrthancProcess() {
    if (pid_) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return ready_; }
  int http() const { return http_; }
  int dicom() const { return dicom_; }

 private:
  fs::path dir_;
  int http_, dicom_;
  pid_t pid_ = 0;
  bool ready_ = false;
};

TEST(OrthancBridgeE2E, StudySentToOrthancIsAnalysedAndResultsComeBackIntoTheSameStudy) {
  MEDSIGHT_DATASET(npz, "pneumoniamnist/pneumoniamnist.npz");
  const int medsightDicom = test::freePort();
  OrthancProcess orthanc(medsightDicom);
  if (!orthanc.ready()) {
    if (test::dataRequired()) FAIL() << "Orthanc did not start (Debian package orthanc)";
    GTEST_SKIP() << "Orthanc did not start (install Debian's orthanc)";
  }
  const auto models = test::pneumoniaModelsFolder();
  test::ServerTestHarness h([&](ServerConfig& c) {
    c.dicomPort = medsightDicom;
    c.modelsDir = models;
    c.orthanc.url = "http://127.0.0.1:" + std::to_string(orthanc.http());
    c.orthanc.dicomPort = orthanc.dicom();
    c.orthanc.pollSeconds = 0.5;
  });
  const auto files = test::writeChestStudies(test::temporaryDirectory("cxr"), 1);
  std::string out, err;
  ASSERT_EQ(test::runCommand("TCP_NODELAY=1 storescu -aet MODALITY -aec ORTHANC 127.0.0.1 " +
                                 std::to_string(orthanc.dicom()) + " " + files[0].string(),
                             &out, &err),
            0)
      << err;
  httplib::Client pacs("127.0.0.1", orthanc.http());
  bool srInOrthanc = false;
  nlohmann::json series;
  for (int i = 0; i < 240 && !srInOrthanc; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto studies = nlohmann::json::parse(pacs.Get("/studies")->body);
    if (studies.size() != 1) continue;  // results must land in the same study, not a new one
    series = nlohmann::json::parse(
        pacs.Get("/studies/" + studies[0].get<std::string>() + "/series?expand")->body);
    for (const auto& s : series) srInOrthanc |= s["MainDicomTags"].value("Modality", "") == "SR";
  }
  ASSERT_TRUE(srInOrthanc) << "no SR came back to Orthanc: " << series.dump();
  if (HeatmapRenderer::available()) {
    // The Grad-CAM overlay travels in the same association as the SR.
    EXPECT_GE(series.size(), 3u) << "no heatmap series came back: " << series.dump();
  }
  EXPECT_EQ(nlohmann::json::parse(pacs.Get("/studies")->body).size(), 1u);
  const auto list = h.getJson("/api/worklist", "radiologist")["worklist"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "analysed");
}

}  // namespace
}  // namespace medsight
