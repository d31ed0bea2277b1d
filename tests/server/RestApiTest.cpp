#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ServerTestHarness.h"
#include "server/DicomObject.h"
#include "server/SampleStudyWriter.h"
#include "store/StudyStore.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::string syntheticChest() {
  Image image(PixelType::UInt8, {32, 32, 1, 1}, 2);
  auto px = image.pixels<std::uint8_t>();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 7) % 256);
  SampleStudySpec spec;
  spec.patientName = "Zhang^San";
  spec.patientId = "MRN-77";
  return SampleStudyWriter::write({image}, spec).at(0);
}

void expectError(const httplib::Result& res, int status, const std::string& code) {
  ASSERT_TRUE(res) << "no answer";
  EXPECT_EQ(res->status, status) << res->body;
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res->body;
  EXPECT_EQ(j["error"]["code"], code) << res->body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
}

/// Sends `head` (a request line and headers, no body) on a raw connection and returns the
/// status line of the answer, or "" when none comes within 10 s.
std::string rawStatusLine(int port, const std::string& head) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size())) {
    char buffer[512];
    while (reply.find("\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      reply.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return reply.substr(0, reply.find("\r\n"));
}

class RestApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = std::make_unique<test::ServerTestHarness>(
        [](ServerConfig& c) { c.maxUploadBytes = 256 * 1024; });
  }
  static void TearDownTestSuite() { harness_.reset(); }
  static std::unique_ptr<test::ServerTestHarness> harness_;
};
std::unique_ptr<test::ServerTestHarness> RestApi::harness_;

TEST_F(RestApi, PublicRoutesAnswerAndEverythingElseNeedsAToken) {
  auto c = harness_->client();
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const auto openapi = nlohmann::json::parse(c.Get("/api/openapi.json")->body);
  EXPECT_EQ(openapi["openapi"], "3.0.3");
  EXPECT_TRUE(openapi["paths"].contains("/api/studies/{uid}/reports/sr"));
  EXPECT_TRUE(openapi["paths"]["/api/worklist"].contains("get"));
  expectError(c.Get("/api/studies"), 401, "Unauthenticated");
  expectError(c.Get("/api/studies", {{"Authorization", "Bearer forged"}}), 401, "Unauthenticated");
  expectError(c.Get("/api/no/such/route"), 404, "NotFound");
  EXPECT_NE(c.Get("/api/metrics")->body.find("medsight_http_requests_total"), std::string::npos);
}

TEST_F(RestApi, BadLoginsAndBadJsonAreClientErrors) {
  auto c = harness_->client();
  expectError(c.Post("/api/auth/login", "{not json", "application/json"), 400, "BadJson");
  expectError(c.Post("/api/auth/login", "[1,2]", "application/json"), 400, "BadJson");
  expectError(c.Post("/api/auth/login", R"({"username": "u-radiologist", "password": "nope-nope"})",
                     "application/json"),
              401, "Unauthenticated");
  expectError(c.Post("/api/auth/login", R"({"username": 5})", "application/json"), 400, "BadJson");
  expectError(c.Post("/api/auth/login", std::string(2 << 20, ' '), "application/json"), 413,
              "PayloadTooLarge");
}

TEST_F(RestApi, UploadStoresValidObjectsAndNothingOfBrokenOnes) {
  auto c = harness_->client();
  const auto tech = harness_->auth("technologist");
  const std::string object = syntheticChest();
  const auto before = harness_->server().studies().listStudies().size();
  expectError(
      c.Post("/api/studies", tech, object.substr(0, object.size() / 2), "application/dicom"), 422,
      "CorruptData");
  expectError(
      c.Post("/api/studies", tech, "hello, not dicom at all, just text", "application/dicom"), 422,
      "CorruptData");
  expectError(c.Post("/api/studies", tech, std::string(300 * 1024, 'x'), "application/dicom"), 413,
              "PayloadTooLarge");
  expectError(c.Post("/api/studies", harness_->auth("researcher"), object, "application/dicom"),
              403, "Forbidden");
  EXPECT_EQ(harness_->server().studies().listStudies().size(), before)
      << "a refused upload stored something";
  auto res = c.Post("/api/studies", tech, object, "application/dicom");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  res = c.Post("/api/studies", tech, object, "application/dicom");
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["duplicates"].size(), 1u);
}

TEST_F(RestApi, SeriesWithoutAnInstalledModelIsVisiblyNotAnalysedAndCanBeSigned) {
  auto c = harness_->client();
  const std::string object = syntheticChest();
  const auto stored = nlohmann::json::parse(
      c.Post("/api/studies", harness_->auth("technologist"), object, "application/dicom")->body);
  const std::string uid = DicomObject::parse(object, "x").summary.studyInstanceUid;
  ASSERT_TRUE(harness_->waitForJobs(30));
  int status = 0;
  const auto study = harness_->getJson("/api/studies/" + uid, "radiologist", &status);
  ASSERT_EQ(status, 200) << study.dump();
  EXPECT_EQ(study["study"]["state"], "not_analysed");
  EXPECT_NE(study["study"]["not_analysed_reason"].get<std::string>().find("not installed"),
            std::string::npos)
      << study.dump();
  const auto worklist = harness_->getJson("/api/worklist", "radiologist");
  bool listed = false;
  for (const auto& s : worklist["worklist"]) listed |= s["study_uid"] == uid;
  EXPECT_TRUE(listed);
  // Roles: researchers get de-identified views and no worklist; technologists cannot sign.
  const auto research = harness_->getJson("/api/studies/" + uid, "researcher", &status);
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(research["study"].contains("patient_name"));
  EXPECT_EQ(research["study"]["patient_id"].get<std::string>().rfind("anon-", 0), 0u);
  EXPECT_EQ(research.dump().find("MRN-77"), std::string::npos);
  harness_->getJson("/api/worklist", "researcher", &status);
  EXPECT_EQ(status, 403);
  expectError(c.Post("/api/studies/" + uid + "/sign", harness_->auth("technologist"), "",
                     "application/json"),
              403, "Forbidden");
  expectError(c.Put("/api/studies/" + uid + "/report", harness_->auth("radiologist"),
                    "{\"text\": 5}", "application/json"),
              400, "BadJson");
  expectError(c.Put("/api/studies/" + uid + "/report", harness_->auth("radiologist"),
                    "{\"text\": \"bad \xff utf8\"}", "application/json"),
              400, "BadJson");
  auto res = c.Put("/api/studies/" + uid + "/report", harness_->auth("radiologist"),
                   R"({"text": "No consolidation. Lungs are clear."})", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = c.Post("/api/studies/" + uid + "/sign", harness_->auth("radiologist"), "",
               "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  expectError(c.Post("/api/studies/" + uid + "/sign", harness_->auth("radiologist"), "",
                     "application/json"),
              409, "Conflict");
  const auto summary =
      harness_->getJson("/api/studies/" + uid + "/reports/summary?lang=zh", "radiologist", &status);
  EXPECT_EQ(status, 200) << summary.dump();
}

TEST_F(RestApi, UnknownIdsAreNotFoundAndMalformedIdsAreBadRequests) {
  auto c = harness_->client();
  const auto dr = harness_->auth("radiologist");
  expectError(c.Get("/api/studies/1.2.999.404", dr), 404, "NotFound");
  expectError(c.Get("/api/studies/1.2.999.404/reports/fhir", dr), 404, "NotFound");
  expectError(c.Get("/api/instances/1.2.3.4", dr), 404, "NotFound");
  expectError(c.Post("/api/findings/abc/review", dr, R"({"action": "accept"})", "application/json"),
              400, "InvalidArgument");
  expectError(
      c.Post("/api/findings/999999/review", dr, R"({"action": "accept"})", "application/json"), 404,
      "NotFound");
  expectError(c.Get("/api/jobs?state=bogus", dr), 400, "InvalidArgument");
  expectError(c.Get("/api/studies?limit=-3", dr), 400, "InvalidArgument");
}

// A POST without Content-Length held a server thread until the 30 s read timeout (60 of them
// stalled the API); a bad Content-Length got no answer; an anonymous upload was buffered whole
// before the 401.
TEST_F(RestApi, BodiesAreCheckedBeforeTheyAreRead) {
  const int port = harness_->server().httpPort();
  const std::string token = harness_->token("radiologist");
  EXPECT_EQ(rawStatusLine(port,
                          "POST /api/findings/abc/review HTTP/1.1\r\nHost: x\r\n"
                          "Authorization: Bearer " +
                              token + "\r\n\r\n"),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(rawStatusLine(port, "PUT /api/no-such-route HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 404 Not Found");
  for (const char* length : {"-5", "99999999999999999999999", "12abc"}) {
    EXPECT_EQ(rawStatusLine(port, std::string("POST /api/studies HTTP/1.1\r\nHost: x\r\n"
                                              "Content-Length: ") +
                                      length + "\r\n\r\n"),
              "HTTP/1.1 400 Bad Request")
        << length;
  }
  // 200 kB announced, nothing sent, no login: refused at once, not after waiting for the body.
  EXPECT_EQ(rawStatusLine(port,
                          "POST /api/studies HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/dicom\r\nContent-Length: 200000\r\n\r\n"),
            "HTTP/1.1 401 Unauthorized");
  // A URI over httplib's limit was answered with code NotFound.
  auto c = harness_->client();
  expectError(c.Get("/api/studies/" + std::string(20000, '1'), harness_->auth("radiologist")), 414,
              "InvalidArgument");
  EXPECT_EQ(harness_->client().Get("/api/health")->status, 200) << "server went down";
}

TEST_F(RestApi, EveryStepIsAuditedAndOnlyAdministratorsReadTheTrail) {
  int status = 0;
  harness_->getJson("/api/audit", "radiologist", &status);
  EXPECT_EQ(status, 403);
  const auto audit = harness_->getJson("/api/audit?limit=100000", "administrator", &status);
  ASSERT_EQ(status, 200);
  EXPECT_TRUE(audit["intact"].get<bool>()) << audit["problems"].dump();
  const std::string text = audit["records"].dump();
  EXPECT_NE(text.find("User Authentication"), std::string::npos);
  EXPECT_NE(text.find("u-administrator"), std::string::npos);
  // ?limit= was read with strtoul: "abc" gave none, "1e3" one, "-1" all.
  for (const char* bad : {"abc", "1e3", "5x", "-1"}) {
    harness_->getJson(std::string("/api/audit?limit=") + bad, "administrator", &status);
    EXPECT_EQ(status, 400) << bad;
  }
  EXPECT_EQ(harness_->client().Get("/api/health")->status, 200) << "server went down";
}

}  // namespace
}  // namespace medsight

namespace medsight {
namespace {

TEST(RestApiTls, ServesHttpsWithTheConfiguredCertificateAndNotPlainHttp) {
  const auto dir = test::temporaryDirectory("tls");
  std::string out, err;
  ASSERT_EQ(test::runCommand(
                "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
                    (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string(),
                &out, &err),
            0)
      << err;
  test::ServerTestHarness h([&](ServerConfig& c) {
    c.tlsCertificate = dir / "cert.pem";
    c.tlsKey = dir / "key.pem";
    c.dicomPort = 0;
  });
  httplib::SSLClient tls("127.0.0.1", h.server().httpPort());
  tls.enable_server_certificate_verification(false);  // self-signed test certificate
  const auto res = tls.Get("/api/health");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  httplib::Client plain("127.0.0.1", h.server().httpPort());
  plain.set_read_timeout(5, 0);
  const auto refused = plain.Get("/api/health");
  EXPECT_FALSE(refused && refused->status == 200) << "plain HTTP answered on the TLS port";
}

}  // namespace
}  // namespace medsight

namespace medsight {
namespace {

TEST(UserCommand, CreatesItsDataFolderAndRefusesAnUnknownRole) {
  const auto dir = test::temporaryDirectory("user-cli") / "fresh" / "data";
  const std::string exe = test::medsightExecutable().string();
  std::string out, err;
  ASSERT_EQ(test::runCommand("echo 'pw-123456789' | " + exe + " user add --data " + dir.string() +
                                 " alice --role radiologist",
                             &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("created alice"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_NE(test::runCommand("echo 'pw-123456789' | " + exe + " user add --data " + dir.string() +
                                 " bob --role wizard",
                             &out, &err),
            0);
  EXPECT_NE(err.find("wizard"), std::string::npos) << err;
}

}  // namespace
}  // namespace medsight
