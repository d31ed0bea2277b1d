#include "ServerTestHarness.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "models/LabeledImageSet.h"
#include "models/ModelTrainer.h"
#include "models/TrainingConfig.h"
#include "server/SampleStudyWriter.h"
#include "store/JobQueue.h"
#include "support/TestData.h"

namespace medsight::test {
namespace fs = std::filesystem;

int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

fs::path pneumoniaModelsFolder() {
  static std::once_flag once;
  static fs::path folder;
  std::call_once(once, [] {
    const fs::path shipped = fs::path(MEDSIGHT_TEST_SOURCE_DIR) / "models";
    if (fs::exists(shipped / "pneumonia-cxr" / "manifest.json")) {
      folder = shipped;
      return;
    }
    const auto npz = datasetPath("pneumoniamnist/pneumoniamnist.npz");
    if (npz.empty()) return;
    const nlohmann::json config{
        {"name", "pneumonia-cxr"},
        {"labels", {"normal", "pneumonia"}},
        {"data",
         {{"format", "npz"}, {"path", npz.string()}, {"train_limit", 600}, {"val_limit", 200}}},
        {"model", {{"name", "resnet18"}, {"width", 8}}},
        {"preprocess", {{"height", 28}, {"width", 28}}},
        {"train", {{"epochs", 2}, {"batch_size", 32}, {"learning_rate", 0.003}, {"seed", 3}}},
        {"deploy", {{"accepted_modalities", {"CR", "DX"}}}}};
    folder = temporaryDirectory("models");
    ModelTrainer(TrainingConfig::fromJson(config, "test-pneumonia.json"), folder / "pneumonia-cxr",
                 2, "test")
        .run();
  });
  return folder;
}

std::vector<fs::path> writeChestStudies(const fs::path& folder, int count) {
  const auto npz = datasetPath("pneumoniamnist/pneumoniamnist.npz");
  if (npz.empty()) return {};
  const auto val = LabeledImageSet::fromNpz(npz, "val");
  fs::create_directories(folder);
  std::vector<fs::path> files;
  for (int i = 0; i < count; ++i) {
    SampleStudySpec spec;
    spec.patientId = "P" + std::to_string(i);
    spec.patientName = "Test^Patient" + std::to_string(i);
    spec.accessionNumber = "ACC" + std::to_string(i);
    spec.description = "Chest X-ray";
    const auto parts = SampleStudyWriter::write({val.images[static_cast<std::size_t>(i)]}, spec);
    files.push_back(folder / ("cxr" + std::to_string(i) + ".dcm"));
    std::ofstream(files.back(), std::ios::binary) << parts.at(0);
  }
  return files;
}

ServerTestHarness::ServerTestHarness(const std::function<void(ServerConfig&)>& adjust) {
  ServerConfig c;
  c.dataDir = temporaryDirectory("server") / "data";
  c.port = 0;
  c.dicomPort = freePort();
  c.stableSeconds = 0.3;
  c.workerThreads = 1;
  c.inferenceThreads = 1;
  c.modelsDir = temporaryDirectory("nomodels");
  c.webRoot.clear();
  if (adjust) adjust(c);
  server_ = std::make_unique<MedSightServer>(c);
  for (const char* role : {"radiologist", "technologist", "researcher", "administrator"}) {
    server_->createUser(std::string("u-") + role, std::string("password-") + role, role,
                        std::string("Test ") + role);
  }
  server_->start();
}

ServerTestHarness::~ServerTestHarness() {
  server_->stop();
}

httplib::Client ServerTestHarness::client() const {
  httplib::Client c("127.0.0.1", server_->httpPort());
  c.set_read_timeout(60, 0);
  return c;
}

std::string ServerTestHarness::token(const std::string& role) const {
  auto c = client();
  const nlohmann::json body{{"username", "u-" + role}, {"password", "password-" + role}};
  const auto res = c.Post("/api/auth/login", body.dump(), "application/json");
  if (!res || res->status != 200) return {};
  return nlohmann::json::parse(res->body)["token"].get<std::string>();
}

httplib::Headers ServerTestHarness::auth(const std::string& role) const {
  return {{"Authorization", "Bearer " + token(role)}};
}

nlohmann::json ServerTestHarness::getJson(const std::string& path, const std::string& role,
                                          int* status) const {
  auto c = client();
  const auto res = c.Get(path, auth(role));
  if (status) *status = res ? res->status : -1;
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

bool ServerTestHarness::waitForJobs(double seconds) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  // Give the stability delay time to pass first.
  std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<int>(config().stableSeconds * 1000) + 200));
  while (std::chrono::steady_clock::now() < deadline) {
    if (server_->jobs().list("pending").empty() && server_->jobs().list("running").empty())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

int ServerTestHarness::storescu(const std::vector<fs::path>& files, const std::string& calledAe,
                                std::string* output) const {
  std::string command = "TCP_NODELAY=1 storescu -v -aet TESTSCU -aec " + calledAe + " 127.0.0.1 " +
                        std::to_string(config().dicomPort);
  for (const auto& f : files) command += " " + f.string();
  std::string out, err;
  const int status = runCommand(command, &out, &err);
  if (output) *output = out + err;
  return status;
}

}  // namespace medsight::test
