#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "privacy/AccessPolicy.h"
#include "privacy/AuditLog.h"
#include "privacy/DeidentificationRun.h"
#include "privacy/DeidentificationVerifier.h"
#include "privacy/KeyFile.h"

namespace medsight {
namespace {

std::vector<ConfidentialityOption> parseOptions(const std::vector<std::string>& names) {
  std::vector<ConfidentialityOption> out;
  for (const auto& name : names) out.push_back(DeidentificationProfile::parseOption(name));
  return out;
}

std::string optionHelp() {
  std::string text = "Profile option (repeatable): ";
  for (const auto o : DeidentificationProfile::allOptions()) {
    text += DeidentificationProfile::optionName(o) + " ";
  }
  return text;
}

/// `medsight deid IN OUT --profile basic [--option ...]`.
class DeidCommand : public Command {
 public:
  std::string name() const override { return "deid"; }
  std::string summary() const override {
    return "De-identify DICOM files or folders (PS3.15 Basic Profile and options)";
  }
  void configure(CLI::App& app) override {
    app.add_option("input", settings_.input, "DICOM file or folder")->required();
    app.add_option("output", settings_.output, "Output folder (outside the input)")->required();
    app.add_option("--profile", profile_, "Confidentiality profile")
        ->check(CLI::IsMember({"basic"}))
        ->default_val("basic");
    app.add_option("--option", options_, optionHelp());
    app.add_option("--key", settings_.keyFile, "Project key file (0600; see `medsight keygen`)")
        ->required();
    app.add_option("--quarantine", settings_.quarantine,
                   "Folder for images with possible burned-in text (default OUT-quarantine)");
    app.add_option("--safe-private", safePrivate_, "Extra safe private attributes (TSV)");
    app.add_option("--pixel-rules", pixelRules_, "Pixel-cleaning rules per device (JSON)");
    app.add_option("--reid-table", reid_, "Encrypted re-identification table to create/extend");
    app.add_option("--audit-log", audit_, "Audit log to record the run in");
    app.add_option("--user", settings_.user, "Who runs the de-identification (audit)");
    app.add_option("--role", role_, "Role of the user; checked against the permission table");
    app.add_option("--summary", summaryFile_, "Also write the JSON summary to this file");
    app.add_flag("--fsync-each-file", settings_.fsyncEachFile,
                 "fsync every output as it is written (default: one flush for the whole batch)");
  }
  int run(const CommandContext& context) override {
    if (!role_.empty()) {
      AccessPolicy::require(AccessPolicy::parseRole(role_), Permission::Deidentify,
                            "deid " + settings_.input.string());
    }
    settings_.profile = DeidentificationProfile(parseOptions(options_));
    if (!safePrivate_.empty()) settings_.safePrivateFile = safePrivate_;
    if (!pixelRules_.empty()) settings_.pixelRulesFile = pixelRules_;
    if (!reid_.empty()) settings_.reidentificationTable = reid_;
    if (!audit_.empty()) settings_.auditLog = audit_;
    settings_.threads = context.threads;
    // --summary is checked before any work and may not be a file the run reads or keeps (the
    // key, the re-identification table, the audit log, an input file) nor lie in the input or
    // output folder.
    OutputFileSet outputs;
    std::filesystem::path stagedSummary;
    if (!summaryFile_.empty()) {
      outputs.addInput(settings_.input, "input");
      outputs.addInput(settings_.keyFile, "--key file");
      outputs.addInput(safePrivate_, "--safe-private file");
      outputs.addInput(pixelRules_, "--pixel-rules file");
      outputs.addInput(reid_, "--reid-table");
      outputs.addInput(audit_, "--audit-log");
      // Only folders: a single input file is covered by addInput above.
      std::error_code ec;
      if (std::filesystem::is_directory(settings_.input, ec)) {
        DeidentificationRun::requireOutside(summaryFile_, "--summary", settings_.input, "input");
      }
      DeidentificationRun::requireOutside(summaryFile_, "--summary", settings_.output,
                                          "output folder");
      stagedSummary = outputs.addFile(summaryFile_, {}, "--summary");
    }
    DeidentificationRun job(settings_);
    const DeidentificationSummary summary = job.run();
    const nlohmann::json json = summary.toJson(job.settings());
    if (!summaryFile_.empty()) {
      AtomicFile::write(stagedSummary, json.dump(2) + "\n");
      outputs.commit();
    }
    if (context.json) {
      std::cout << json.dump(2) << '\n';
    } else {
      std::cout << "de-identified " << summary.done() << " of " << summary.filesTotal
                << " files into " << settings_.output.string() << " ("
                << json["files_per_second"].get<double>() << " files/s)\n"
                << "quarantined " << summary.quarantined() << " into "
                << json["quarantine"].get<std::string>() << '\n';
      for (const auto& f : json["quarantined"]) {
        std::cout << "  quarantined " << f["file"].get<std::string>() << ": "
                  << f["reason"].get<std::string>() << '\n';
      }
      for (const auto& [file, reason] : summary.failures) {
        std::cout << "  failed " << file.string() << ": " << reason << '\n';
      }
    }
    if (!summary.failures.empty()) {
      throw Error(ErrorCode::DeidentificationFailed,
                  std::to_string(summary.failures.size()) + " of " +
                      std::to_string(summary.filesTotal) +
                      " files failed (first: " + summary.failures.front().first.string() + ": " +
                      summary.failures.front().second + ")");
    }
    return 0;
  }

 private:
  DeidentificationRunSettings settings_;
  std::string profile_ = "basic";
  std::vector<std::string> options_;
  std::string safePrivate_, pixelRules_, reid_, audit_, role_, summaryFile_;
};

/// `medsight deid-verify DIR`.
class DeidVerifyCommand : public Command {
 public:
  std::string name() const override { return "deid-verify"; }
  std::string summary() const override {
    return "Check de-identified DICOM for attributes, private tags or identifiers left over";
  }
  void configure(CLI::App& app) override {
    app.add_option("folder", folder_, "De-identified file or folder")->required();
    app.add_option("--option", options_, optionHelp() + "(the options the data claims)");
    app.add_option("--originals", originals_,
                   "Original files: also report any value equal to an original identifier");
    app.add_option("--safe-private", safePrivate_, "Extra safe private attributes (TSV)");
    app.add_option("--key", key_,
                   "Project key used by deid: pairs outputs with originals for text checks");
    app.add_option("--max-findings", maxFindings_, "Findings listed in the report")
        ->default_val(1000);
  }
  int run(const CommandContext& context) override {
    SafePrivateList safe = SafePrivateList::builtIn();
    if (!safePrivate_.empty()) safe.merge(SafePrivateList::load(safePrivate_));
    DeidentificationVerifier verifier(DeidentificationProfile(parseOptions(options_)), safe);
    if (!originals_.empty()) verifier.addOriginals(originals_);
    if (!key_.empty()) verifier.setPairingKey(KeyFile::load(key_));
    const VerificationReport report = verifier.verify(folder_);
    // Nothing checked is not a clean result (a wrong folder, a failed copy).
    if (report.filesScanned == 0) {
      throw Error(ErrorCode::EmptyInput, folder_ + ": no DICOM file to verify was found there");
    }
    nlohmann::json json = report.toJson(maxFindings_);
    json["original_identifiers"] = verifier.identifierCount();
    if (context.json) {
      std::cout << json.dump(2) << '\n';
    } else {
      std::cout << "scanned " << report.filesScanned << " files: " << report.findings.size()
                << " findings\n";
      for (const auto& [kind, n] : json["counts"].items()) {
        std::cout << "  " << kind << ": " << n.get<std::size_t>() << '\n';
      }
      std::size_t shown = 0;
      for (const auto& f : report.findings) {
        if (shown++ >= maxFindings_) break;
        std::cout << "  " << f.file.string() << " " << f.tag << " " << f.keyword << " [" << f.kind
                  << "] " << f.detail << '\n';
      }
    }
    if (!report.findings.empty()) {
      throw Error(
          ErrorCode::DeidentificationFailed,
          folder_ + ": " + std::to_string(report.findings.size()) + " de-identification findings");
    }
    return 0;
  }

 private:
  std::string folder_, originals_, safePrivate_, key_;
  std::vector<std::string> options_;
  std::size_t maxFindings_ = 1000;
};

/// `medsight audit verify|show LOG`.
class AuditCommand : public Command {
 public:
  std::string name() const override { return "audit"; }
  std::string summary() const override { return "Verify or show a hash-chained audit log"; }
  void configure(CLI::App& app) override {
    verify_ = app.add_subcommand("verify", "Detect edited, removed or reordered records");
    verify_->add_option("log", log_, "Audit log file")->required();
    verify_->add_option("--key", key_, "Key file if the log is keyed (HMAC chain)");
    show_ = app.add_subcommand("show", "Print the records");
    show_->add_option("log", log_, "Audit log file")->required();
    show_->add_option("--tail", tail_, "Only the last N records")->check(CLI::NonNegativeNumber);
    app.require_subcommand(1);
  }
  int run(const CommandContext& context) override {
    std::optional<KeyFile> key;
    if (!key_.empty()) key = KeyFile::load(key_);
    if (std::error_code ec; std::filesystem::is_directory(log_, ec)) {
      throw Error(ErrorCode::InvalidArgument, log_ + ": is a folder; give the audit log file");
    }
    const AuditLog log = AuditLog::openFile(log_, key);
    if (show_->parsed()) {
      const auto records = log.records();
      // Only audit records are printed: any other file (a DICOM, random bytes) is named as such
      // instead of being dumped to the terminal.
      for (std::size_t i = 0; i < records.size(); ++i) {
        const auto j = nlohmann::json::parse(records[i], nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j.contains("hash")) {
          throw Error(ErrorCode::IntegrityViolation,
                      log_ + ": line " + std::to_string(i + 1) +
                          " is not an audit record (is this an audit log?); run `medsight audit "
                          "verify`");
        }
      }
      const std::size_t from = tail_ > 0 && tail_ < records.size() ? records.size() - tail_ : 0;
      for (std::size_t i = from; i < records.size(); ++i) std::cout << records[i] << '\n';
      return 0;
    }
    const AuditVerification result = log.verify();
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : result.problems) {
      problems.push_back({{"line", p.line}, {"kind", p.kind}, {"detail", p.detail}});
    }
    if (context.json) {
      std::cout << nlohmann::json{{"log", log_},
                                  {"records", result.records},
                                  {"intact", result.intact()},
                                  {"problems", problems}}
                       .dump(2)
                << '\n';
    } else {
      std::cout << log_ << ": " << result.records << " records, "
                << (result.intact() ? "chain intact" : "CHAIN BROKEN") << '\n';
      for (const auto& p : result.problems) {
        std::cout << "  line " << p.line << ": " << p.kind << ": " << p.detail << '\n';
      }
    }
    if (!result.intact()) {
      const auto& first = result.problems.front();
      // A keyed (HMAC) chain checked without its key fails at its first record as "edited".
      const bool maybeKeyed = !key && first.line == 1 && first.kind == "edited";
      // Under the wrong key every record reads as edited, which no forger who kept the key
      // would produce.
      const auto edited = static_cast<std::size_t>(
          std::count_if(result.problems.begin(), result.problems.end(),
                        [](const AuditProblem& p) { return p.kind == "edited"; }));
      const bool maybeWrongKey = key && result.records > 0 && edited == result.records;
      throw Error(ErrorCode::IntegrityViolation,
                  log_ + ": audit chain broken at line " + std::to_string(first.line) + " (" +
                      first.kind + ": " + first.detail + ")" +
                      (maybeKeyed ? "; if the log was written with a project key (deid --key), "
                                    "check it with --key"
                                  : "") +
                      (maybeWrongKey ? "; no record matches its hash under this key: check that "
                                       "it is the key the log was written with"
                                     : ""));
    }
    return 0;
  }

 private:
  CLI::App* verify_ = nullptr;
  CLI::App* show_ = nullptr;
  std::string log_, key_;
  std::size_t tail_ = 0;
};

/// `medsight keygen FILE`.
class KeygenCommand : public Command {
 public:
  std::string name() const override { return "keygen"; }
  std::string summary() const override {
    return "Create a project key file (0600) for pseudonyms, UIDs, encryption and audit";
  }
  void configure(CLI::App& app) override {
    app.add_option("file", file_, "Key file to create (never overwritten)")->required();
  }
  int run(const CommandContext& context) override {
    const KeyFile key = KeyFile::create(file_);
    if (context.json) {
      std::cout << nlohmann::json{{"key_file", file_}, {"fingerprint", key.fingerprint()}}.dump(2)
                << '\n';
    } else {
      std::cout << "created " << file_ << " (mode 0600, fingerprint " << key.fingerprint()
                << "); back it up: pseudonyms and encrypted data depend on it\n";
    }
    return 0;
  }

 private:
  std::string file_;
};

/// `medsight roles`: the permission table.
class RolesCommand : public Command {
 public:
  std::string name() const override { return "roles"; }
  std::string summary() const override { return "Show the role permission table"; }
  void configure(CLI::App&) override {}
  int run(const CommandContext& context) override {
    const Role roles[] = {Role::Radiologist, Role::Technologist, Role::Researcher,
                          Role::Administrator};
    nlohmann::json table = nlohmann::json::object();
    for (const auto role : roles) {
      auto& list = table[AccessPolicy::roleName(role)] = nlohmann::json::array();
      for (const auto p : AccessPolicy::permissionsOf(role)) {
        list.push_back(AccessPolicy::permissionName(p));
      }
    }
    if (context.json) {
      std::cout << table.dump(2) << '\n';
      return 0;
    }
    std::printf("%-26s", "permission");
    for (const auto role : roles) std::printf(" %-13s", AccessPolicy::roleName(role).c_str());
    std::printf("\n");
    for (const auto p : AccessPolicy::allPermissions()) {
      std::printf("%-26s", AccessPolicy::permissionName(p).c_str());
      for (const auto role : roles)
        std::printf(" %-13s", AccessPolicy::allows(role, p) ? "yes" : "-");
      std::printf("\n");
    }
    return 0;
  }
};

}  // namespace

/// \brief Registers the privacy module's commands (deid, deid-verify, audit, keygen, roles).
void registerPrivacyCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<DeidCommand>());
  registry.add(std::make_unique<DeidVerifyCommand>());
  registry.add(std::make_unique<AuditCommand>());
  registry.add(std::make_unique<KeygenCommand>());
  registry.add(std::make_unique<RolesCommand>());
}

}  // namespace medsight
