#include "models/ModelCardWriter.h"

#include <cmath>
#include <sstream>

namespace medsight {
namespace {

std::string num(const nlohmann::json& v, int digits = 3) {
  if (!v.is_number()) return "n/a";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v.get<double>();
  return s.str();
}

std::string text(const nlohmann::json& card, const char* key, const std::string& fallback) {
  if (card.contains(key) && card[key].is_string()) return card[key].get<std::string>();
  if (card.contains(key) && card[key].is_array()) {
    std::string out;
    for (const auto& line : card[key]) out += "- " + line.get<std::string>() + "\n";
    return out;
  }
  return fallback;
}

}  // namespace

std::string ModelCardWriter::render(const ModelManifest& m, const nlohmann::json& cardOverride) {
  const auto config = m.training.value("config", nlohmann::json::object());
  const auto card =
      cardOverride.is_object() ? cardOverride : config.value("card", nlohmann::json::object());
  std::ostringstream md;
  md << "# Model card: " << m.name << " " << m.version << "\n\n"
     << m.description << "\n\n"
     << "## Intended use\n\n"
     << text(card, "intended_use", "Not stated.") << "\n\n"
     << "## Model\n\n"
     << "- Task: " << m.task << " (" << m.labels.at(0) << " vs " << m.labels.at(1) << ")\n"
     << "- Architecture: " << m.architecture.name << ", width " << m.architecture.width << ", "
     << m.architecture.inputChannels << " channel(s), input " << m.preprocessing.height << "x"
     << m.preprocessing.width << "\n"
     << "- Ensemble of " << m.members.size() << " network(s)"
     << (m.testTimeAugmentation ? " with test-time augmentation" : "") << "\n"
     << "- Preprocessing: intensity `" << m.preprocessing.intensity << "`, resize `"
     << m.preprocessing.resize << "`, normalised with mean " << m.preprocessing.mean << " and std "
     << m.preprocessing.std << "\n"
     << "- Calibration: temperature " << num(m.temperature) << " fitted on the validation data\n"
     << "- Operating point: threshold " << num(m.threshold) << " on the calibrated probability ("
     << (m.thresholdRule.empty() ? "not stated" : m.thresholdRule) << ")\n"
     << "- Accepted modalities (input quality gate): ";
  if (m.acceptedModalities.empty()) md << "any";
  for (std::size_t i = 0; i < m.acceptedModalities.size(); ++i)
    md << (i ? ", " : "") << m.acceptedModalities[i];
  md << "\n\n## Data and split\n\n"
     << "- Training data: `" << m.training.value("data", std::string("?")) << "` ("
     << m.training.value("training_images", 0) << " images), SHA-256 of the exact content "
     << "`" << m.training.value("data_sha256", std::string("?")) << "`\n"
     << "- Validation: " << m.validation.value("data", std::string("?")) << "\n";
  if (const auto f = m.training.find("image_fingerprints"); f != m.training.end()) {
    md << "- Every training image is fingerprinted in `" << f->value("file", std::string("?"))
       << "` (" << f->value("fitted", 0) << " distinct images fitted on; "
       << f->value("selection", 0)
       << " further distinct images used only for model selection), so `medsight validate` "
          "finds them in any other data set\n";
  }
  md << text(card, "data_notes", "") << "\n\n"
     << (m.training.contains("note") ? "Note: " + m.training["note"].get<std::string>() + "\n\n"
                                     : "")
     << "## Validation metrics\n\n"
     << "At threshold " << num(m.validation.value("threshold", 0.5)) << " on "
     << m.validation.value("samples", 0) << " images (" << m.validation.value("positives", 0) << " "
     << m.labels.at(1) << "), 95% stratified bootstrap intervals:\n\n"
     << "| Metric | Value | 95% CI |\n|---|---|---|\n";
  const auto metrics = m.validation.value("metrics", nlohmann::json::object());
  for (const char* k : {"auc", "average_precision", "accuracy", "sensitivity", "specificity", "ppv",
                        "npv", "f1", "balanced_accuracy"}) {
    if (!metrics.contains(k)) continue;
    const auto& e = metrics[k];
    md << "| " << k << " | " << num(e["value"]) << " | " << num(e["ci_lower"]) << " – "
       << num(e["ci_upper"]) << " |\n";
  }
  md << "\nExpected calibration error on validation: "
     << num(m.validation.value("expected_calibration_error", nlohmann::json()), 4) << "\n\n"
     << "Per-member validation AUC (best epoch): ";
  for (std::size_t i = 0; i < m.members.size(); ++i) {
    md << (i ? ", " : "") << num(m.members[i].validationAuc, 4) << " (" << m.members[i].bestEpoch
       << ")";
  }
  md << "\n\n"
     << text(card, "results_notes", "") << "\n\n"
     << "## Baselines\n\n"
     << text(card, "baselines", "None stated.") << "\n\n"
     << "## Limitations\n\n"
     << text(card, "limitations", "Not stated.") << "\n\n"
     << "## Files\n\n| File | SHA-256 |\n|---|---|\n";
  for (const auto& member : m.members)
    md << "| `" << member.file << "` | `" << member.sha256 << "` |\n";
  md << "\n## Reproduce\n\n```sh\n"
     << text(card, "reproduce",
             "medsight train --config configs/" + m.name + ".json --out models/" + m.name)
     << "\n```\n\nRecorded command: `" << m.training.value("command", std::string("?")) << "`, "
     << "MedSight " << m.training.value("medsight_version", std::string("?")) << " ("
     << m.training.value("medsight_commit", std::string("?")) << "), "
     << m.training.value("threads", 0) << " threads, " << num(m.training.value("seconds", 0.0), 0)
     << " s, finished " << m.training.value("finished_utc", std::string("?")) << ".\n";
  return md.str();
}

}  // namespace medsight
