// `medsight classical train|eval|predict`: classical learners on feature tables.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "classical/BinaryLabels.h"
#include "classical/BoostedTreesClassifier.h"
#include "classical/ClassicalModelCard.h"
#include "classical/ClassicalModelPackage.h"
#include "classical/FeatureTableReader.h"
#include "classical/HyperparameterSearch.h"
#include "classical/NestedCrossValidation.h"
#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "core/ParallelFor.h"
#include "core/Sha256.h"
#include "eval/BinaryEvaluation.h"

namespace medsight {
namespace {

using nlohmann::json;

std::string joinPaths(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + f;
  return out;
}

std::vector<std::filesystem::path> toPaths(const std::vector<std::string>& files) {
  return {files.begin(), files.end()};
}

json topPairs(std::vector<std::pair<std::string, double>> v, std::size_t limit) {
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  json out = json::array();
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) {
    out.push_back({{"feature", v[i].first}, {"value", v[i].second}});
  }
  return out;
}

std::string metricLine(const BinaryEvaluation& e, const std::string& name) {
  const auto& m = e.metrics.at(name);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%-12s %.4f  (95%% CI %.4f-%.4f)", name.c_str(), m.value, m.lower,
                m.upper);
  return buf;
}

/// Options shared by every subcommand that reads feature files.
struct InputOptions {
  std::vector<std::string> features;
  std::string labels, labelColumn, idColumn;

  void add(CLI::App* app, bool labelsRequired) {
    app->add_option("--features", features, "Feature CSV files (several = early fusion)")
        ->required()
        ->expected(1, -1);
    auto* l = app->add_option("--labels", labels,
                              "Labels: one column row-aligned, or ID and label columns");
    app->add_option("--label-column", labelColumn,
                    "Label column inside the (first) feature file or the label file");
    app->add_option("--id-column", idColumn, "ID column of files with a header (default: id)");
    if (labelsRequired) l->needs(app->get_option("--features"));
  }
  TableReadOptions readOptions() const { return {idColumn, labelColumn}; }
  FeatureTable read(RawLabels* raw, bool needLabels, std::vector<ColumnBlock>* blocks) const {
    const bool labelsInFeatures = labels.empty() && !labelColumn.empty();
    // A label column inside the feature file is never a feature, even when only predicting.
    RawLabels ignored;
    FeatureTable table =
        FeatureTableReader::read(toPaths(features), readOptions(),
                                 labelsInFeatures ? (raw ? raw : &ignored) : nullptr, blocks);
    if (needLabels && !labelsInFeatures) {
      if (labels.empty()) {
        throw Error(ErrorCode::InvalidArgument, "labels needed: give --labels or --label-column");
      }
      *raw = FeatureTableReader::readLabels(labels, table, FeatureTableReader::hasIds(table),
                                            readOptions());
    }
    return table;
  }
};

class ClassicalCommand : public Command {
 public:
  std::string name() const override { return "classical"; }
  std::string summary() const override {
    return "Classical ML on feature tables (SVM, logistic, trees, boosting): train | eval | "
           "predict | card";
  }

  void configure(CLI::App& app) override {
    app.require_subcommand(1);
    train_ = app.add_subcommand("train", "Nested-CV estimate, then train a model package");
    trainInput_.add(train_, false);
    train_->add_option("--out", out_, "Model package folder to write")->required();
    train_->add_option("--positive", positive_, "Positive class label (default 1 for 0/1 labels)");
    train_
        ->add_option("--learner", learners_,
                     "auto or a list of: svm_rbf, svm_linear, logistic_l2, logistic_l1, "
                     "xgboost, random_forest, decision_tree")
        ->delimiter(',');
    train_
        ->add_option("--select", selectCounts_,
                     "Numbers of features to try (univariate filter; 0 = all)")
        ->delimiter(',');
    train_
        ->add_option("--correlation-limit", correlationLimit_,
                     "Drop features correlated above this with a better one (1 = off)")
        ->check(CLI::Range(0.0, 1.0));
    train_->add_option("--fusion", fusion_, "early (concatenate files) or late (stack per file)")
        ->check(CLI::IsMember({"early", "late"}));
    train_->add_option("--impute", impute_, "none (NaN is an error) or median")
        ->check(CLI::IsMember({"none", "median"}));
    train_->add_flag("--no-class-weights", noClassWeights_, "Do not balance the classes");
    train_->add_option("--folds", outerFolds_, "Outer folds of the nested CV estimate")
        ->check(CLI::Range(2, 50));
    train_->add_option("--inner-folds", innerFolds_, "Folds of the hyper-parameter search")
        ->check(CLI::Range(2, 50));
    train_->add_option("--repeats", repeats_, "Repeats of the outer CV")->check(CLI::Range(1, 100));
    train_->add_option("--seed", seed_, "Random seed (folds, shuffles)")
        ->check(CLI::NonNegativeNumber);
    train_->add_option("--permutation-repeats", permutationRepeats_,
                       "Shuffles per feature for permutation importance (0 = off)");
    train_->add_flag("--no-nested-cv", noNested_, "Skip the nested CV estimate");
    train_->add_option("--name", name_, "Model name (default: the --out folder name)");
    train_->add_option("--description", description_, "Model description");

    eval_ = app.add_subcommand("eval", "Evaluate a model package on labelled data");
    evalInput_.add(eval_, true);
    eval_->add_option("--model", model_, "Model package folder")->required();
    eval_->add_option("--bootstrap", bootstrap_, "Bootstrap replicates for the CIs")
        ->check(CLI::Range(50, 1000000));

    predict_ = app.add_subcommand("predict", "Predict probabilities with a model package");
    predictInput_.add(predict_, false);
    predict_->add_option("--model", model_, "Model package folder")->required();
    predict_->add_option("--out", out_, "Write predictions as CSV");
    predict_->add_option("--explain", explain_,
                         "Also list the N features that moved each score most");

    card_ = app.add_subcommand("card", "Write the model card (Markdown) of a model package");
    card_->add_option("--model", model_, "Model package folder")->required();
    card_->add_option("--out", out_, "Card file (default: MODEL_CARD.md in the package)");
    card_->add_option("--limitations", limitationsFile_, "Markdown file with further limitations");
  }

  int run(const CommandContext& context) override {
    threads_ = resolveThreadCount(context.threads);
    BoostedTreesClassifier::setThreads(1);
    if (train_->parsed()) return runTrain(context);
    if (eval_->parsed()) return runEval(context);
    if (card_->parsed()) return runCard();
    return runPredict(context);
  }

 private:
  int runTrain(const CommandContext& context) {
    const auto start = std::chrono::steady_clock::now();
    // Before the cross-validation, not after it: a folder of the user's files is refused.
    AtomicFile::requireReplaceableFolder(out_, "--out");
    RawLabels raw;
    std::vector<ColumnBlock> blocks;
    const FeatureTable table = trainInput_.read(&raw, true, &blocks);
    const std::string source = joinPaths(trainInput_.features);
    const BinaryLabels labels = BinaryLabels::fromRaw(raw, positive_);
    if (impute_ != "median") table.requireFinite(source);
    TrainingOptions options;
    options.learners = learners_.empty() || (learners_.size() == 1 && learners_[0] == "auto")
                           ? HyperparameterSearch::autoLearners()
                           : learners_;
    for (const auto& l : options.learners) Classifier::create({l, json::object()});
    options.selectCounts = selectCounts_.empty() ? std::vector<std::size_t>{0} : selectCounts_;
    options.correlationLimit = correlationLimit_;
    options.imputeMedian = impute_ == "median";
    options.balanced = !noClassWeights_;
    options.innerFolds = innerFolds_;
    options.seed = seed_;
    options.threads = threads_;
    options.lateFusion = fusion_ == "late";

    json validation = json::object();
    BinaryEvaluation nestedEval;
    NestedCvResult nested;
    if (!noNested_) {
      NestedCvOptions cv{outerFolds_, repeats_, permutationRepeats_};
      nested = NestedCvResult::run(table, blocks, labels.y, options, cv, source);
      nestedEval = BinaryEvaluation::compute(nested.probability, labels.y, 0.5);
      json importance = json::array();
      for (std::size_t i = 0; i < nested.importance.size() && i < 30; ++i) {
        importance.push_back({{"feature", nested.importance[i].feature},
                              {"auc_drop", nested.importance[i].meanDrop},
                              {"sd", nested.importance[i].sdDrop}});
      }
      validation = {{"method", "nested stratified cross-validation"},
                    {"outer_folds", outerFolds_},
                    {"inner_folds", innerFolds_},
                    {"repeats", repeats_},
                    {"out_of_fold", nestedEval.toJson()},
                    {"repeat_auc", nested.repeatAuc},
                    {"fold_auc", nested.foldAuc},
                    {"fold_choices", nested.foldChoices},
                    {"permutation_importance", importance}};
    }
    TrainingSummary summary;
    BoostedTreesClassifier::setThreads(threads_);
    const ClassicalModel model =
        ClassicalModel::train(table, blocks, labels.y, options, source, &summary);
    PackageInfo info;
    info.name = name_.empty() ? std::filesystem::path(out_).filename().string() : name_;
    info.description = description_;
    info.negative = labels.negative;
    info.positive = labels.positive;
    json files = json::array();
    for (const auto& f : trainInput_.features) {
      files.push_back(
          {{"file", std::filesystem::path(f).filename().string()}, {"sha256", Sha256::ofFile(f)}});
    }
    json leaderboard = json::array();
    for (std::size_t i = 0; i < summary.leaderboards.front().size() && i < 10; ++i) {
      leaderboard.push_back({{"candidate", summary.leaderboards.front()[i].first},
                             {"cv_auc", summary.leaderboards.front()[i].second}});
    }
    info.training = {{"feature_files", files},
                     {"samples", table.rows()},
                     {"positives", labels.positives()},
                     {"features", table.cols()},
                     {"learners", options.learners},
                     {"select_counts", options.selectCounts},
                     {"correlation_limit", options.correlationLimit},
                     {"impute", impute_},
                     {"class_weights", options.balanced ? "balanced" : "none"},
                     {"fusion", fusion_},
                     {"inner_folds", innerFolds_},
                     {"seed", seed_},
                     {"command", commandLine()},
                     {"chosen", summary.chosen},
                     {"search_cv_auc", summary.searchAuc},
                     {"search_leaderboard", leaderboard}};
    info.validation = validation;
    const auto contributions = model.meanAbsoluteContributions(table, source);
    info.importance = {{"mean_abs_contribution_training", topPairs(contributions, 30)},
                       {"contribution_method", "TreeSHAP (tree ensembles) or |w x| (logistic)"}};
    info.rules = model.rules(labels.positive);
    ClassicalModelPackage::write(out_, model, info);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (context.json) {
      json out{{"model", out_},
               {"samples", table.rows()},
               {"positives", labels.positives()},
               {"features", table.cols()},
               {"chosen", summary.chosen},
               {"validation", validation},
               {"importance", info.importance},
               {"rules", info.rules},
               {"seconds", seconds}};
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    std::printf("trained %s on %zu samples (%zu %s), %zu features, in %.1f s\n", out_.c_str(),
                table.rows(), labels.positives(), labels.positive.c_str(), table.cols(), seconds);
    for (const auto& c : summary.chosen) std::printf("  model: %s\n", c.c_str());
    if (!noNested_) {
      std::printf("nested CV (%d outer x %d inner folds, %d repeat(s)), out-of-fold:\n",
                  outerFolds_, innerFolds_, repeats_);
      for (const char* m : {"auc", "accuracy", "sensitivity", "specificity"}) {
        std::printf("  %s\n", metricLine(nestedEval, m).c_str());
      }
      if (!nested.importance.empty()) {
        std::printf("permutation importance (held-out AUC drop):\n");
        for (std::size_t i = 0; i < nested.importance.size() && i < 10; ++i) {
          std::printf("  %-40s %.4f\n", nested.importance[i].feature.c_str(),
                      nested.importance[i].meanDrop);
        }
      }
    }
    for (const auto& r : info.rules) std::printf("  %s\n", r.c_str());
    return 0;
  }

  /// The training command as it can be re-run (options in canonical form).
  std::string commandLine() const {
    std::string c = "medsight classical train --features";
    for (const auto& f : trainInput_.features) c += " " + f;
    if (!trainInput_.labels.empty()) c += " --labels " + trainInput_.labels;
    if (!trainInput_.labelColumn.empty()) c += " --label-column " + trainInput_.labelColumn;
    if (!trainInput_.idColumn.empty()) c += " --id-column " + trainInput_.idColumn;
    if (!positive_.empty()) c += " --positive " + positive_;
    if (!learners_.empty()) {
      c += " --learner ";
      for (std::size_t i = 0; i < learners_.size(); ++i) c += (i ? "," : "") + learners_[i];
    }
    if (!selectCounts_.empty()) {
      c += " --select ";
      for (std::size_t i = 0; i < selectCounts_.size(); ++i) {
        c += (i ? "," : "") + std::to_string(selectCounts_[i]);
      }
    }
    if (correlationLimit_ < 1.0) c += " --correlation-limit " + std::to_string(correlationLimit_);
    c += " --fusion " + fusion_ + " --impute " + impute_;
    if (noClassWeights_) c += " --no-class-weights";
    c += " --folds " + std::to_string(outerFolds_) + " --inner-folds " +
         std::to_string(innerFolds_) + " --repeats " + std::to_string(repeats_) + " --seed " +
         std::to_string(seed_) + " --permutation-repeats " + std::to_string(permutationRepeats_);
    if (noNested_) c += " --no-nested-cv";
    if (!name_.empty()) c += " --name '" + name_ + "'";
    return c + " --out " + out_;
  }

  int runCard() {
    const LoadedPackage package = ClassicalModelPackage::read(model_);
    std::string limitations;
    if (!limitationsFile_.empty()) {
      std::ifstream in(limitationsFile_);
      if (!in) throw Error(ErrorCode::FileNotFound, limitationsFile_ + ": not found");
      std::ostringstream text;
      text << in.rdbuf();
      limitations = text.str();
    }
    const std::string target =
        out_.empty() ? (std::filesystem::path(model_) / "MODEL_CARD.md").string() : out_;
    AtomicFile::write(target, ClassicalModelCard::render(package, limitations));
    std::printf("model card -> %s\n", target.c_str());
    return 0;
  }

  int runEval(const CommandContext& context) {
    const LoadedPackage package = ClassicalModelPackage::read(model_);
    RawLabels raw;
    const FeatureTable table = evalInput_.read(&raw, true, nullptr);
    const std::string source = joinPaths(evalInput_.features);
    const BinaryLabels labels =
        BinaryLabels::withClasses(raw, package.info.negative, package.info.positive);
    const std::vector<double> p = package.model.probability(table, source);
    BootstrapOptions bootstrap;
    bootstrap.replicates = bootstrap_;
    const BinaryEvaluation e =
        BinaryEvaluation::compute(p, labels.y, package.info.threshold, bootstrap);
    if (context.json) {
      json out = e.toJson();
      out["model"] = model_;
      out["model_name"] = package.info.name;
      out["labels"] = {package.info.negative, package.info.positive};
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    std::printf("%s on %zu samples (%zu %s), threshold %.3f\n", model_.c_str(), e.samples,
                e.positives, package.info.positive.c_str(), e.threshold);
    for (const auto& [name, m] : e.metrics) std::printf("  %s\n", metricLine(e, name).c_str());
    return 0;
  }

  int runPredict(const CommandContext& context) {
    // --out is checked before any work, and may not be one of the feature files it reads.
    OutputFileSet outputs;
    for (const auto& f : predictInput_.features) outputs.addInput(f, "--features file");
    outputs.addInput(predictInput_.labels, "--labels file");
    outputs.addInput(model_, "--model package");
    const auto stagedOut =
        out_.empty() ? std::filesystem::path() : outputs.addFile(out_, {}, "--out");
    const LoadedPackage package = ClassicalModelPackage::read(model_);
    const FeatureTable table = predictInput_.read(nullptr, false, nullptr);
    const std::string source = joinPaths(predictInput_.features);
    const std::vector<double> p = package.model.probability(table, source);
    std::vector<std::vector<std::pair<std::string, double>>> why;
    if (explain_ > 0) {
      why = package.model.rowContributions(table, source);
      for (auto& row : why) {
        std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) {
          return std::abs(a.second) > std::abs(b.second);
        });
        if (row.size() > explain_) row.resize(explain_);
      }
    }
    json rows = json::array();
    std::ostringstream csv;
    csv << "id,probability,prediction" << (explain_ ? ",top_contributions" : "") << '\n';
    for (std::size_t r = 0; r < table.rows(); ++r) {
      const std::string label =
          p[r] >= package.info.threshold ? package.info.positive : package.info.negative;
      json row{{"id", table.ids[r]}, {"probability", p[r]}, {"prediction", label}};
      char prob[32];
      std::snprintf(prob, sizeof prob, "%.6f", p[r]);
      csv << table.ids[r] << ',' << prob << ',' << label;
      if (explain_ > 0) {
        json contributions = json::array();
        std::string text;
        for (const auto& [feature, value] : why[r]) {
          contributions.push_back({{"feature", feature}, {"contribution", value}});
          char v[32];
          std::snprintf(v, sizeof v, "%+.3f", value);
          text += (text.empty() ? "" : "; ") + feature + " " + v;
        }
        row["contributions"] = contributions;
        csv << ",\"" << text << '"';
      }
      csv << '\n';
      rows.push_back(row);
    }
    if (!out_.empty()) {
      AtomicFile::write(stagedOut, csv.str());
      outputs.commit();
    }
    if (context.json) {
      std::cout << json{{"model", model_}, {"predictions", rows}}.dump(2) << '\n';
    } else if (out_.empty()) {
      std::cout << csv.str();
    } else {
      std::printf("%zu predictions -> %s\n", table.rows(), out_.c_str());
    }
    return 0;
  }

  CLI::App* train_ = nullptr;
  CLI::App* eval_ = nullptr;
  CLI::App* predict_ = nullptr;
  CLI::App* card_ = nullptr;
  std::string limitationsFile_;
  InputOptions trainInput_, evalInput_, predictInput_;
  std::string out_, model_, positive_, fusion_ = "early", impute_ = "none", name_, description_;
  std::vector<std::string> learners_;
  std::vector<std::size_t> selectCounts_;
  double correlationLimit_ = 1.0;
  bool noClassWeights_ = false, noNested_ = false;
  int outerFolds_ = 5, innerFolds_ = 5, repeats_ = 1, permutationRepeats_ = 5, bootstrap_ = 2000;
  std::uint64_t seed_ = 20240611;
  std::size_t explain_ = 0;
  int threads_ = 1;
};

}  // namespace

/// \brief Registers `medsight classical`.
void registerClassicalCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<ClassicalCommand>());
}

}  // namespace medsight
