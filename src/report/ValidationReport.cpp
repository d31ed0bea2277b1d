#include "report/ValidationReport.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/Version.h"
#include "report/ReportAssets.h"

namespace medsight {

ValidationReport ValidationReport::forDataset(const ValidationDataset& data,
                                              const std::vector<std::string>& labels) {
  ValidationReport r;
  r.dataset = data.toJson();
  r.role = data.role;
  r.roleTitle = data.roleTitle;
  r.roleNote = data.roleNote;
  r.samples = data.set.size();
  r.positives =
      static_cast<std::size_t>(std::count(data.set.labels.begin(), data.set.labels.end(), 1));
  r.labels = labels;
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  r.createdUtc = date;
  return r;
}

nlohmann::json ValidationReport::toJson() const {
  nlohmann::json j{{"format", "medsight-validation-report/1"},
                   {"created_utc", createdUtc},
                   {"medsight_version", kVersion},
                   {"medsight_commit", kGitCommit},
                   {"command", commandLine},
                   {"data", dataset},
                   {"data_role_note", roleNote},
                   {"positives", positives},
                   {"labels", labels},
                   {"plotting", ReportAssets::versions()},
                   {"models", nlohmann::json::array()}};
  for (const auto& m : models) j["models"].push_back(m.toJson());
  if (comparison) {
    j["comparison"] = comparison->toJson();
    j["comparison"]["a"] = models[0].manifest.name + " " + models[0].manifest.version;
    j["comparison"]["b"] = models[1].manifest.name + " " + models[1].manifest.version;
  }
  return j;
}

}  // namespace medsight
