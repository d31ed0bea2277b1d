#include "classical/ClassicalModelCard.h"

#include <cstdio>
#include <sstream>

namespace medsight {
namespace {

using nlohmann::json;

std::string fmt(double v, const char* pattern = "%.3f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string text(const json& j, const char* key, const std::string& fallback = "") {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

}  // namespace

std::string ClassicalModelCard::render(const LoadedPackage& package,
                                       const std::string& limitations) {
  const json& m = package.manifest;
  const json training = m.value("training", json::object());
  const json validation = m.value("validation", json::object());
  std::ostringstream out;
  out << "# Model card: " << package.info.name << " " << text(m, "version", "1.0.0") << "\n\n";
  out << (package.info.description.empty() ? std::string("(no description)")
                                           : package.info.description)
      << "\n\n";
  out << "## Model\n\n";
  out << "- Task: binary (" << package.info.negative << " vs " << package.info.positive
      << "); the probability is of `" << package.info.positive << "`\n";
  out << "- Fusion: " << text(m, "fusion")
      << (text(m, "fusion") == "late" ? " (one pipeline per input file, stacked by an L2 "
                                        "logistic regression on out-of-fold scores)"
                                      : " (all input columns in one pipeline)")
      << "\n";
  if (training.contains("chosen")) {
    for (const auto& c : training["chosen"])
      out << "- Pipeline: `" << c.get<std::string>() << "`\n";
  }
  out << "- Preprocessing learned on the training rows: "
      << (text(training, "impute") == "median" ? "median imputation, " : "")
      << "removal of constant features, univariate selection (Mann-Whitney AUC) and correlation "
         "pruning as chosen above, z-score standardisation\n";
  out << "- Class weights: " << text(training, "class_weights", "balanced") << "\n";
  out << "- Calibration: " << m.value("calibration", json::object()).dump() << "\n";
  out << "- Operating point: threshold " << fmt(package.info.threshold) << " ("
      << m.value("operating_point", json::object()).value("rule", "") << ")\n";
  if (training.contains("learners")) {
    out << "- Candidates searched by inner stratified " << training.value("inner_folds", 5)
        << "-fold CV (mean fold AUC): learners " << training["learners"].dump()
        << ", feature counts " << training.value("select_counts", json::array()).dump() << "\n";
  }
  out << "\n## Data and split\n\n";
  if (training.contains("feature_files")) {
    for (const auto& f : training["feature_files"]) {
      out << "- `" << text(f, "file") << "` SHA-256 `" << text(f, "sha256") << "`\n";
    }
  }
  out << "- " << training.value("samples", 0) << " samples (" << training.value("positives", 0)
      << " " << package.info.positive << "), " << training.value("features", 0) << " features\n";
  out << "- The final model was searched and fitted on all of these rows; every figure below is "
         "out-of-fold (nested cross-validation), never on rows a model was trained or selected "
         "on.\n";
  if (!validation.empty()) {
    const json& oof = validation["out_of_fold"];
    out << "\n## Validation metrics\n\n";
    out << "Nested stratified cross-validation: " << validation.value("outer_folds", 0)
        << " outer x " << validation.value("inner_folds", 0) << " inner folds, "
        << validation.value("repeats", 1)
        << " repeat(s); the inner folds choose the hyper-parameters, the outer fold measures. "
           "Out-of-fold probabilities averaged over repeats, threshold "
        << fmt(oof.value("threshold", 0.5)) << ", 95% stratified bootstrap intervals:\n\n";
    out << "| Metric | Value | 95% CI |\n|---|---|---|\n";
    for (const auto& [name, v] : oof["metrics"].items()) {
      if (!v["value"].is_number()) continue;
      out << "| " << name << " | " << fmt(v["value"].get<double>()) << " | "
          << (v["ci_lower"].is_number() ? fmt(v["ci_lower"].get<double>()) : "-") << " – "
          << (v["ci_upper"].is_number() ? fmt(v["ci_upper"].get<double>()) : "-") << " |\n";
    }
    out << "\nPooled out-of-fold AUC per repeat:";
    for (const auto& a : validation["repeat_auc"]) out << " " << fmt(a.get<double>());
    out << "\n\nOuter folds (AUC, what the inner search chose):\n\n";
    const auto& aucs = validation["fold_auc"];
    const auto& choices = validation["fold_choices"];
    for (std::size_t i = 0; i < aucs.size() && i < choices.size(); ++i) {
      out << "- " << fmt(aucs[i].get<double>()) << " `" << choices[i].get<std::string>() << "`\n";
    }
    if (validation.contains("permutation_importance") &&
        !validation["permutation_importance"].empty()) {
      out << "\nPermutation importance (drop of held-out AUC when a feature is shuffled, mean over "
             "outer folds):\n\n| Feature | AUC drop |\n|---|---|\n";
      int k = 0;
      for (const auto& p : validation["permutation_importance"]) {
        if (k++ == 10) break;
        out << "| `" << text(p, "feature") << "` | " << fmt(p.value("auc_drop", 0.0), "%.4f")
            << " |\n";
      }
    }
  }
  const json importance = m.value("importance", json::object());
  if (importance.contains("mean_abs_contribution_training") &&
      !importance["mean_abs_contribution_training"].empty()) {
    out << "\nMean |contribution| of the final model on its training rows ("
        << text(importance, "contribution_method")
        << "):\n\n| Feature | Mean abs. contribution |\n|---|---|\n";
    int k = 0;
    for (const auto& p : importance["mean_abs_contribution_training"]) {
      if (k++ == 10) break;
      out << "| `" << text(p, "feature") << "` | " << fmt(p.value("value", 0.0), "%.4f") << " |\n";
    }
  }
  if (!package.info.rules.empty()) {
    out << "\n## Decision rules\n\n";
    for (const auto& r : package.info.rules) out << "- " << r << "\n";
  }
  out << "\n## Limitations\n\n";
  out << "- Cross-validated estimates from " << training.value("samples", 0)
      << " samples; performance on other populations, scanners or laboratories is unknown.\n";
  out << "- Inputs must have the training columns in the same order; the package refuses others.\n";
  if (!limitations.empty()) out << limitations << (limitations.back() == '\n' ? "" : "\n");
  out << "\n## Files\n\n| File | SHA-256 |\n|---|---|\n";
  for (const auto& f : m["members"])
    out << "| `" << text(f, "file") << "` | `" << text(f, "sha256") << "` |\n";
  out << "\n## Reproduce\n\n```sh\n" << text(training, "command", "(not recorded)") << "\n```\n\n";
  out << "Created " << text(m, "created") << " by MedSight " << text(m, "medsight_version")
      << ".\n";
  return out.str();
}

}  // namespace medsight
