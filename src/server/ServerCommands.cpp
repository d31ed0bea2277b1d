// `medsight serve`, `medsight worker`, `medsight user`.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/JsonText.h"
#include "privacy/AccessPolicy.h"
#include "server/DemoDataLoader.h"
#include "server/MedSightServer.h"
#include "server/PasswordHasher.h"
#include "store/Database.h"
#include "store/UserStore.h"

#ifndef MEDSIGHT_SOURCE_MODELS_DIR
#define MEDSIGHT_SOURCE_MODELS_DIR "models"
#endif
#ifndef MEDSIGHT_SOURCE_WEB_DIR
#define MEDSIGHT_SOURCE_WEB_DIR "web/dist"
#endif

namespace medsight {
namespace {

/// Blocks SIGINT/SIGTERM in every thread (set before threads start) and waits for one.
class ShutdownSignal {
 public:
  ShutdownSignal() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  int wait() {
    int signal = 0;
    sigwait(&set_, &signal);
    return signal;
  }

 private:
  sigset_t set_;
};

/// Options shared by serve and worker.
void addStoreOptions(CLI::App& app, ServerConfig& c) {
  app.add_option("--data", c.dataDir, "Data folder: encrypted images, SQLite database, key")
      ->capture_default_str();
  app.add_option("--db", c.databaseUrl,
                 "Database URL: postgresql://user@host/db (default: SQLite under --data)");
  app.add_option("--key", c.keyFile,
                 "Project key (default: <data>/medsight.key, created on first start)");
  app.add_option("--models", c.modelsDir, "Folder of model packages")->capture_default_str();
  app.add_option("--routing", c.routingFile, "Routing table JSON (default: built in)");
  app.add_option("--workers", c.workerThreads, "Analysis worker threads")->capture_default_str();
  app.add_option("--inference-threads", c.inferenceThreads, "LibTorch threads per worker")
      ->capture_default_str();
  app.add_option("--max-attempts", c.maxAttempts, "Attempts per job before it is marked failed")
      ->capture_default_str();
  app.add_option("--lease-seconds", c.leaseSeconds,
                 "Job lease (a dead worker's job is retried after it)")
      ->capture_default_str();
}

void writeReadyFile(const std::filesystem::path& path, const MedSightServer& server) {
  if (path.empty()) return;
  const nlohmann::json ready{{"pid", getpid()},
                             {"http_port", server.httpPort()},
                             {"dicom_port", server.config().dicomPort},
                             {"ae_title", server.config().aeTitle}};
  AtomicFile::write(path, ready.dump() + "\n");
}

class ServeCommand : public Command {
 public:
  std::string name() const override { return "serve"; }
  std::string summary() const override {
    return "Run the MedSight server: DICOM receiver, analysis workers, REST API, Orthanc bridge";
  }
  void configure(CLI::App& app) override {
    config_.modelsDir = MEDSIGHT_SOURCE_MODELS_DIR;
    config_.webRoot = MEDSIGHT_SOURCE_WEB_DIR;
    app.add_option("--host", config_.host,
                   "Listen address (off-loopback needs --tls-cert/--tls-key)")
        ->capture_default_str();
    app.add_option("--port", config_.port, "HTTP port (0 = any free port)")->capture_default_str();
    app.add_option("--dicom-port", config_.dicomPort, "DICOM port (0 = no DICOM receiver)")
        ->capture_default_str();
    app.add_option("--ae-title", config_.aeTitle, "DICOM AE title")->capture_default_str();
    app.add_option("--allow-peer", peers_,
                   "Allowed sending AE title, AE or AE@host (repeatable; default any)");
    app.add_option("--max-associations", config_.maxAssociations, "Concurrent DICOM associations")
        ->capture_default_str();
    app.add_option("--stable-seconds", config_.stableSeconds,
                   "A series is complete after this long without new images")
        ->capture_default_str();
    app.add_option("--max-upload", config_.maxUploadBytes, "Largest upload in bytes")
        ->capture_default_str();
    app.add_option("--session-hours", config_.sessionHours, "Login session lifetime")
        ->capture_default_str();
    app.add_option("--tls-cert", config_.tlsCertificate, "TLS certificate (PEM)");
    app.add_option("--tls-key", config_.tlsKey, "TLS private key (PEM)");
    app.add_option("--web-root", config_.webRoot, "Static files of the web UI served at /")
        ->capture_default_str();
    app.add_option("--orthanc-url", config_.orthanc.url,
                   "Orthanc REST URL to bridge with, e.g. http://127.0.0.1:8042");
    app.add_option("--orthanc-ae", config_.orthanc.aeTitle, "Orthanc's DICOM AE title")
        ->capture_default_str();
    app.add_option("--orthanc-host", config_.orthanc.host, "Orthanc's DICOM host")
        ->capture_default_str();
    app.add_option("--orthanc-dicom-port", config_.orthanc.dicomPort, "Orthanc's DICOM port")
        ->capture_default_str();
    app.add_option("--orthanc-modality", config_.orthanc.medsightModality,
                   "MedSight's name in Orthanc's DicomModalities")
        ->capture_default_str();
    app.add_option("--config", configFile_,
                   "JSON settings (flags given on the command line are applied after it)");
    app.add_option("--ready-file", readyFile_,
                   "Write {pid, http_port, dicom_port} here once serving");
    app.add_flag("--demo", demo_,
                 "Start with sample studies and demo users (printed) for a first look");
    addStoreOptions(app, config_);
    app_ = &app;
  }
  int run(const CommandContext& context) override {
    ServerConfig config = config_;
    if (!configFile_.empty()) {
      std::ifstream in(configFile_);
      if (!in) throw Error(ErrorCode::FileNotFound, configFile_ + ": settings file not found");
      const nlohmann::json j = JsonText::parse(in, configFile_);
      config = ServerConfig{};
      config.modelsDir = MEDSIGHT_SOURCE_MODELS_DIR;
      config.webRoot = MEDSIGHT_SOURCE_WEB_DIR;
      config.merge(j, configFile_);
      reapplyFlags(config);
    }
    for (const auto& peer : peers_) {
      const auto at = peer.find('@');
      config.allowedPeers.push_back(
          {peer.substr(0, at), at == std::string::npos ? "" : peer.substr(at + 1)});
    }
    if (demo_ && app_->count("--data") == 0 && configFile_.empty())
      config.dataDir = "medsight-demo";
    if (demo_ && app_->count("--stable-seconds") == 0) config.stableSeconds = 1.0;
    ShutdownSignal signal;
    MedSightServer server(config);
    if (demo_) prepareDemo(server);
    server.start();
    writeReadyFile(readyFile_, server);
    if (context.json)
      std::cout << nlohmann::json{{"http_port", server.httpPort()}}.dump() << std::endl;
    std::cerr << "medsight: serving http" << (config.tlsCertificate.empty() ? "" : "s") << "://"
              << config.host << ":" << server.httpPort() << "  DICOM " << config.aeTitle << "@"
              << config.dicomPort << "  data " << config.dataDir.string() << " (Ctrl-C to stop)"
              << std::endl;
    const int received = signal.wait();
    spdlog::info("stopping on signal {}", received);
    server.stop();
    return 0;
  }

 private:
  void reapplyFlags(ServerConfig& c) {
    // Flags typed on the command line win over the file.
    for (const auto* opt : app_->get_options()) {
      if (opt->count() == 0) continue;
      const auto n = opt->get_name();
      if (n == "--host")
        c.host = config_.host;
      else if (n == "--port")
        c.port = config_.port;
      else if (n == "--dicom-port")
        c.dicomPort = config_.dicomPort;
      else if (n == "--data")
        c.dataDir = config_.dataDir;
      else if (n == "--db")
        c.databaseUrl = config_.databaseUrl;
      else if (n == "--models")
        c.modelsDir = config_.modelsDir;
      else if (n == "--workers")
        c.workerThreads = config_.workerThreads;
      else if (n == "--ae-title")
        c.aeTitle = config_.aeTitle;
    }
  }
  void prepareDemo(MedSightServer& server) {
    nlohmann::json users = nlohmann::json::array();
    for (const auto& [user, role, display] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"radiologist", "radiologist", "Dr Demo Radiologist"},
             {"technologist", "technologist", "Demo Technologist"},
             {"researcher", "researcher", "Demo Researcher"},
             {"admin", "administrator", "Demo Administrator"}}) {
      const std::string password = PasswordHasher::newToken().substr(0, 16);
      try {
        server.createUser(user, password, role, display);
        users.push_back({{"username", user}, {"password", password}, {"role", role}});
      } catch (const Error& e) {
        if (e.code() != ErrorCode::Conflict) throw;  // demo data folder reused: users exist
      }
    }
    const std::size_t stored = DemoDataLoader::load(server.ingest());
    std::cerr << "medsight demo: " << stored << " sample instance(s) loaded";
    if (!users.empty()) {
      std::cerr << "; users (shown once):\n";
      for (const auto& u : users) {
        std::cerr << "  " << u["username"].get<std::string>() << " / "
                  << u["password"].get<std::string>() << "  (" << u["role"].get<std::string>()
                  << ")\n";
      }
    }
    std::cerr << std::endl;
  }

  ServerConfig config_;
  std::vector<std::string> peers_;
  std::string configFile_;
  std::filesystem::path readyFile_;
  bool demo_ = false;
  CLI::App* app_ = nullptr;
};

class WorkerCommand : public Command {
 public:
  std::string name() const override { return "worker"; }
  std::string summary() const override {
    return "Run extra analysis workers on a shared database (PostgreSQL) and data folder";
  }
  void configure(CLI::App& app) override {
    config_.modelsDir = MEDSIGHT_SOURCE_MODELS_DIR;
    addStoreOptions(app, config_);
    app.get_option("--db")->required();
  }
  int run(const CommandContext&) override {
    ServerConfig config = config_;
    config.dicomPort = 0;
    if (config.workerThreads < 1) config.workerThreads = 1;
    ShutdownSignal signal;
    MedSightServer server(config);
    server.start(/*withHttp=*/false);
    std::cerr << "medsight: " << config.workerThreads << " worker thread(s)"
              << " (Ctrl-C to stop)" << std::endl;
    signal.wait();
    server.stop();
    return 0;
  }

 private:
  ServerConfig config_;
};

class UserCommand : public Command {
 public:
  std::string name() const override { return "user"; }
  std::string summary() const override {
    return "Manage server users: user add NAME --role R (password on stdin)";
  }
  void configure(CLI::App& app) override {
    add_ = app.add_subcommand("add",
                              "Create a user; the password is read from the first line of stdin");
    add_->add_option("name", username_, "User name")->required();
    add_->add_option("--role", role_, "radiologist, technologist, researcher or administrator")
        ->required();
    add_->add_option("--display-name", display_, "Name shown in reports");
    add_->add_option("--data", dataDir_, "Data folder of the server")->capture_default_str();
    add_->add_option("--db", databaseUrl_, "Database URL (default: SQLite under --data)");
    app.require_subcommand(1);
  }
  int run(const CommandContext& context) override {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    ServerConfig c;
    c.dataDir = dataDir_;
    c.databaseUrl = databaseUrl_;
    if (databaseUrl_.empty()) {
      // Users may be created before the first `serve`: make the data folder as serve would.
      std::error_code ec;
      std::filesystem::create_directories(dataDir_, ec);
      if (ec)
        throw Error(ErrorCode::FileWriteFailed,
                    dataDir_.string() + ": cannot create: " + ec.message());
      std::filesystem::permissions(dataDir_, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
    auto db = Database::open(c.effectiveDatabaseUrl(), 1);
    UserStore users(*db);
    const auto user =
        users.create(username_, PasswordHasher::hash(password),
                     AccessPolicy::roleName(AccessPolicy::parseRole(role_)), display_);
    if (context.json) {
      std::cout << nlohmann::json{{"username", user.username}, {"role", user.role}}.dump() << '\n';
    } else {
      std::cout << "created " << user.username << " (" << user.role << ")\n";
    }
    return 0;
  }

 private:
  CLI::App* add_ = nullptr;
  std::string username_, role_, display_, databaseUrl_;
  std::filesystem::path dataDir_ = "medsight-data";
};

}  // namespace

void registerServerCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<ServeCommand>());
  registry.add(std::make_unique<WorkerCommand>());
  registry.add(std::make_unique<UserCommand>());
}

}  // namespace medsight
