#include "privacy/DeidentificationRun.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/Error.h"
#include "core/PathContainment.h"
#include "core/ProgressReporter.h"
#include "privacy/AuditLog.h"
#include "privacy/KeyFile.h"
#include "privacy/ReidentificationTable.h"
#include "privacy/StagedOutputFile.h"

namespace medsight {

std::size_t DeidentificationSummary::done() const {
  return static_cast<std::size_t>(
      std::count_if(files.begin(), files.end(), [](const auto& f) { return f.status == "done"; }));
}

std::size_t DeidentificationSummary::quarantined() const {
  return files.size() - done();
}

nlohmann::json DeidentificationSummary::toJson(const DeidentificationRunSettings& s) const {
  nlohmann::json options = nlohmann::json::array();
  for (const auto o : s.profile.options())
    options.push_back(DeidentificationProfile::optionName(o));
  nlohmann::json quarantinedFiles = nlohmann::json::array();
  for (const auto& f : files) {
    if (f.status != "done") {
      quarantinedFiles.push_back({{"file", f.input.string()},
                                  {"quarantined_as", f.output.string()},
                                  {"reason", f.reason}});
    }
  }
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& [file, reason] : failures)
    failed.push_back({{"file", file.string()}, {"reason", reason}});
  std::size_t cleaned = 0;
  for (const auto& f : files) cleaned += f.pixelsCleaned ? 1 : 0;
  return {{"input", s.input.string()},
          {"output", s.output.string()},
          {"quarantine", s.quarantine.string()},
          {"profile", "basic"},
          {"options", options},
          {"files_total", filesTotal},
          {"done", done()},
          {"pixels_cleaned", cleaned},
          {"quarantined", quarantinedFiles},
          {"failed", failed},
          {"seconds", seconds},
          {"files_per_second", seconds > 0 ? static_cast<double>(files.size()) / seconds : 0.0}};
}

void DeidentificationRun::requireOutside(const std::filesystem::path& inner,
                                         const std::string& innerRole,
                                         const std::filesystem::path& outer,
                                         const std::string& outerRole) {
  if (PathContainment::isWithin(PathContainment::canonical(inner),
                                PathContainment::canonical(outer))) {
    throw Error(ErrorCode::InvalidArgument, innerRole + " " + inner.string() + " is inside " +
                                                outerRole + " " + outer.string() +
                                                "; choose a separate folder");
  }
}

std::vector<std::filesystem::path> DeidentificationRun::listInputs(
    const std::filesystem::path& input) {
  std::error_code ec;
  if (!std::filesystem::is_directory(input, ec)) return {input};
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(
           input, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code typeError;
    const bool brokenLink =
        it->is_symlink(typeError) && !std::filesystem::exists(it->path(), typeError);
    if (it->is_regular_file(typeError) || brokenLink) files.push_back(it->path());
  }
  if (ec) throw Error(ErrorCode::FileUnreadable, input.string() + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

DeidentificationRun::DeidentificationRun(DeidentificationRunSettings settings)
    : settings_(std::move(settings)) {
  auto& s = settings_;
  std::error_code ec;
  if (!std::filesystem::exists(s.input, ec)) {
    throw Error(ErrorCode::FileNotFound, s.input.string() + ": input not found");
  }
  if (s.output.empty())
    throw Error(ErrorCode::InvalidArgument, "deid: an output folder is required");
  if (s.quarantine.empty()) {
    // Beside the output folder: "out/" (as tab completion types it) must give "out-quarantine",
    // not "out/-quarantine" inside the output.
    auto output = s.output;
    if (!output.has_filename()) output = output.parent_path();
    s.quarantine = output.string() + "-quarantine";
  }
  if (std::filesystem::exists(s.output, ec) && !std::filesystem::is_directory(s.output, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                s.output.string() + ": output exists and is not a folder");
  }
  // Never write next to the originals and never mix originals into what is released.
  requireOutside(s.output, "output folder", s.input, "input");
  requireOutside(s.input, "input", s.output, "output folder");
  requireOutside(s.quarantine, "quarantine folder", s.input, "input");
  requireOutside(s.quarantine, "quarantine folder", s.output, "output folder");
  requireOutside(s.output, "output folder", s.quarantine, "quarantine folder");
  // Fail on a missing or unsafe key before anything is written.
  const KeyFile key = KeyFile::load(s.keyFile);
  if (s.safePrivateFile) SafePrivateList::load(*s.safePrivateFile);
  if (s.pixelRulesFile) BurnedInAnnotationScreen::loadRules(*s.pixelRulesFile);
  if (s.reidentificationTable) {
    requireOutside(*s.reidentificationTable, "re-identification table", s.output, "output folder");
    // Its folder must exist now: the table is written after every file, when a missing folder
    // would leave a released batch without its mapping.
    const auto folder = std::filesystem::absolute(*s.reidentificationTable).parent_path();
    if (!std::filesystem::is_directory(folder, ec)) {
      throw Error(ErrorCode::FileNotFound, s.reidentificationTable->string() +
                                               ": the re-identification table's folder " +
                                               folder.string() + " does not exist");
    }
    // A table that cannot be read or extended fails now, not after the batch was released.
    ReidentificationTable::load(*s.reidentificationTable, key);
  }
  if (s.auditLog) {
    requireOutside(*s.auditLog, "audit log", s.output, "output folder");
    if (std::filesystem::is_directory(*s.auditLog, ec)) {
      throw Error(ErrorCode::InvalidArgument,
                  s.auditLog->string() + ": the audit log is a folder; give a file");
    }
    AuditLog::openFile(*s.auditLog, key).requireAppendable();
  }
}

DeidentificationSummary DeidentificationRun::run() {
  const auto& s = settings_;
  const auto start = std::chrono::steady_clock::now();
  const KeyFile key = KeyFile::load(s.keyFile);
  SafePrivateList safe = SafePrivateList::builtIn();
  if (s.safePrivateFile) safe.merge(SafePrivateList::load(*s.safePrivateFile));
  BurnedInAnnotationScreen screen = s.pixelRulesFile
                                        ? BurnedInAnnotationScreen::loadRules(*s.pixelRulesFile)
                                        : BurnedInAnnotationScreen();
  DicomDeidentifier deidentifier(s.profile, key, std::move(safe), std::move(screen));
  // Each output is renamed into place atomically; durability is made once for the whole batch
  // (syncfs) instead of two journal commits per file, which dominated the run time on ext4.
  deidentifier.setDurableWrites(s.fsyncEachFile);

  const auto inputs = listInputs(s.input);
  // An empty folder (a mount that failed, a wrong path level) is not a successful batch.
  if (inputs.empty()) {
    throw Error(ErrorCode::EmptyInput, s.input.string() + ": the input folder holds no files");
  }
  std::error_code ec;
  std::filesystem::create_directories(s.output, ec);
  if (ec)
    throw Error(ErrorCode::FileWriteFailed, s.output.string() + ": cannot create: " + ec.message());
  std::filesystem::create_directories(s.quarantine, ec);
  if (ec) {
    throw Error(ErrorCode::FileWriteFailed,
                s.quarantine.string() + ": cannot create: " + ec.message());
  }

  // Temporaries of an earlier run that was killed mid-write (".name.part-PID-N.ext") are ours
  // and never complete: remove them so an interrupted run leaves no partial file behind.
  for (const auto& root : {s.output, s.quarantine}) {
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.' && name.find(".part-") != std::string::npos &&
          it->is_regular_file()) {
        std::error_code removeError;
        std::filesystem::remove(it->path(), removeError);
      }
    }
    ec.clear();
  }

  DeidentificationSummary summary;
  summary.filesTotal = inputs.size();
  std::vector<std::optional<DeidentifiedFile>> results(inputs.size());
  std::vector<std::string> errors(inputs.size());
  std::atomic<std::size_t> next{0};
  ProgressReporter progress("deid", inputs.size());
  auto worker = [&] {
    for (std::size_t i = next++; i < inputs.size(); i = next++) {
      try {
        results[i] = deidentifier.deidentify(inputs[i], s.output, s.quarantine);
      } catch (const Error& e) {
        errors[i] = std::string(e.codeName()) + ": " + e.what();
      } catch (const std::exception& e) {
        errors[i] = std::string("Internal: ") + e.what();
      }
      progress.advance();
    }
  };
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads =
      std::min<std::size_t>(s.threads > 0 ? static_cast<std::size_t>(s.threads) : hardware,
                            std::max<std::size_t>(1, inputs.size()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  progress.finish();
  if (!s.fsyncEachFile) {
    StagedOutputFile::syncTree(s.output);
    StagedOutputFile::syncTree(s.quarantine);
  }

  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (results[i]) {
      summary.files.push_back(std::move(*results[i]));
    } else {
      summary.failures.emplace_back(inputs[i], errors[i]);
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (s.reidentificationTable) {
    auto table = ReidentificationTable::load(*s.reidentificationTable, key);
    for (const auto& f : summary.files) {
      table.add(f.pseudonym, {f.originalPatientId, f.originalPatientName});
    }
    table.save(*s.reidentificationTable, key);
  }
  if (s.auditLog) {
    AuditEvent event;
    event.eventId = "110106";
    event.eventName = "Export";
    event.action = 'R';
    event.eventType = "de-identification (DICOM PS3.15 E.1 Basic Profile)";
    event.outcome = summary.failures.empty() ? 0 : 4;
    event.outcomeDescription = std::to_string(summary.done()) + " done, " +
                               std::to_string(summary.quarantined()) + " quarantined, " +
                               std::to_string(summary.failures.size()) + " failed";
    AuditParticipant operatorOfRun;
    operatorOfRun.userId = s.user.empty() ? "unknown" : s.user;
    operatorOfRun.isRequestor = true;
    event.participants.push_back(operatorOfRun);
    std::set<std::string> patients;
    for (const auto& f : summary.files) patients.insert(f.pseudonym);
    for (const auto& p : patients) event.objects.push_back({1, 1, "2", p, "", "pseudonym"});
    event.objects.push_back({2, 4, "110182", s.output.string(), "output", ""});
    AuditLog::openFile(*s.auditLog, key).record(event);
  }
  return summary;
}

}  // namespace medsight
