#include "classical/ClassicalModel.h"

#include <cmath>

#include "classical/HyperparameterSearch.h"
#include "core/AtomicFile.h"
#include "core/Error.h"

namespace medsight {
namespace {

double sigmoid(double s) {
  return s >= 0 ? 1.0 / (1.0 + std::exp(-s)) : std::exp(s) / (1.0 + std::exp(s));
}

}  // namespace

FeatureTable ClassicalModel::block(const FeatureTable& table, std::size_t member) const {
  if (!late_) return table;
  std::vector<std::size_t> columns;
  for (std::size_t c = blocks_[member].begin; c < blocks_[member].end; ++c) columns.push_back(c);
  return table.selectColumns(columns);
}

ClassicalModel ClassicalModel::train(const FeatureTable& table,
                                     const std::vector<ColumnBlock>& blocks,
                                     std::span<const int> labels, const TrainingOptions& options,
                                     const std::string& source, TrainingSummary* summary) {
  ClassicalModel m;
  m.late_ = options.lateFusion;
  m.inputColumns_ = table.columns;
  if (m.late_) {
    if (blocks.size() < 2) {
      throw Error(ErrorCode::InvalidArgument,
                  source + ": late fusion needs at least two feature files (one per modality)");
    }
    m.blocks_ = blocks;
  } else {
    m.blocks_ = {ColumnBlock{"all", 0, table.cols()}};
  }
  FeatureTransformSettings base;
  base.imputeMedian = options.imputeMedian;
  base.correlationLimit = options.correlationLimit;
  std::vector<std::vector<double>> oofScores;
  for (std::size_t k = 0; k < m.blocks_.size(); ++k) {
    const FeatureTable part = m.block(table, k);
    // A count above the block's width would be recorded (and described) as a selection that
    // never happened; it means "all of them".
    const auto candidates = HyperparameterSearch::grid(
        options.learners,
        HyperparameterSearch::effectiveSelectCounts(options.selectCounts, part.cols()), base,
        options.balanced);
    const std::string where = m.late_ ? source + " [" + m.blocks_[k].name + "]" : source;
    const SearchResult search = HyperparameterSearch::run(
        part, labels, candidates, options.innerFolds, options.seed + k, options.threads, where);
    m.members_.push_back(ClassificationPipeline::fit(part, labels, search.best, where));
    oofScores.push_back(search.bestOofScores);
    if (summary) {
      summary->chosen.push_back((m.late_ ? m.blocks_[k].name + ": " : "") + search.best.describe());
      summary->searchAuc.push_back(search.bestAuc);
      summary->leaderboards.push_back(search.leaderboard);
    }
  }
  if (!m.late_) {
    m.calibration_ = PlattCalibrator::fit(oofScores.front(), labels);
    return m;
  }
  // Stacking: standardised out-of-fold member scores -> L2 logistic regression.
  const std::size_t n = table.rows(), k = m.members_.size();
  DenseMatrix x{n, k, std::vector<double>(n * k)};
  for (std::size_t j = 0; j < k; ++j) {
    double mean = 0, var = 0;
    for (double s : oofScores[j]) mean += s;
    mean /= double(n);
    for (double s : oofScores[j]) var += (s - mean) * (s - mean);
    const double sd = std::sqrt(var / double(n)) > 1e-12 ? std::sqrt(var / double(n)) : 1.0;
    m.stackMeans_.push_back(mean);
    m.stackScales_.push_back(sd);
    for (std::size_t r = 0; r < n; ++r) x.at(r, j) = (oofScores[j][r] - mean) / sd;
  }
  m.stacker_ =
      std::make_shared<LogisticRegressionClassifier>(LearnerSpec{"logistic_l2", {{"C", 1.0}}});
  m.stacker_->fit(x, labels, {1.0, 1.0});
  return m;
}

std::vector<double> ClassicalModel::probability(const FeatureTable& table,
                                                const std::string& source) const {
  if (table.cols() != inputColumns_.size()) {
    throw Error(ErrorCode::InvalidArgument, source + ": " + std::to_string(table.cols()) +
                                                " feature columns, the model expects " +
                                                std::to_string(inputColumns_.size()));
  }
  if (!late_) return calibration_.probabilities(members_.front().score(table, source));
  const std::size_t n = table.rows(), k = members_.size();
  DenseMatrix x{n, k, std::vector<double>(n * k)};
  for (std::size_t j = 0; j < k; ++j) {
    const auto s = members_[j].score(block(table, j), source);
    for (std::size_t r = 0; r < n; ++r) x.at(r, j) = (s[r] - stackMeans_[j]) / stackScales_[j];
  }
  std::vector<double> p;
  for (double s : stacker_->score(x)) p.push_back(sigmoid(s));
  return p;
}

std::vector<std::size_t> ClassicalModel::usedColumns() const {
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < members_.size(); ++j) {
    for (std::size_t c : members_[j].transform().kept()) out.push_back(blocks_[j].begin + c);
  }
  return out;
}

std::vector<std::vector<std::pair<std::string, double>>> ClassicalModel::rowContributions(
    const FeatureTable& table, const std::string& source) const {
  std::vector<std::vector<std::pair<std::string, double>>> rows(table.rows());
  for (std::size_t j = 0; j < members_.size(); ++j) {
    const DenseMatrix c = members_[j].contributions(block(table, j), source);
    if (c.rows == 0) continue;
    const auto names = members_[j].transform().outputNames();
    for (std::size_t r = 0; r < table.rows(); ++r) {
      for (std::size_t f = 0; f < names.size(); ++f) rows[r].push_back({names[f], c.at(r, f)});
    }
  }
  return rows;
}

std::vector<std::pair<std::string, double>> ClassicalModel::meanAbsoluteContributions(
    const FeatureTable& table, const std::string& source) const {
  std::vector<std::pair<std::string, double>> out;
  const auto rows = rowContributions(table, source);
  if (rows.empty() || rows.front().empty()) return out;
  out = rows.front();
  for (auto& [name, v] : out) v = 0;
  for (const auto& row : rows) {
    for (std::size_t f = 0; f < row.size(); ++f) out[f].second += std::abs(row[f].second);
  }
  for (auto& [name, v] : out) v /= double(rows.size());
  return out;
}

std::vector<std::string> ClassicalModel::rules(const std::string& positiveClass) const {
  std::vector<std::string> out;
  for (const auto& m : members_) {
    for (auto& r : m.rules(positiveClass)) out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json ClassicalModel::save(const std::filesystem::path& folder) const {
  nlohmann::json members = nlohmann::json::array();
  for (std::size_t j = 0; j < members_.size(); ++j) {
    nlohmann::json entry = members_[j].save(folder, "member" + std::to_string(j + 1));
    entry["block"] = {
        {"name", blocks_[j].name}, {"begin", blocks_[j].begin}, {"end", blocks_[j].end}};
    members.push_back(entry);
  }
  nlohmann::json out{{"fusion", fusion()}, {"input_columns", inputColumns_}, {"members", members}};
  if (late_) {
    AtomicFile::writeWith(folder / "stacker.liblinear",
                          [&](const std::filesystem::path& tmp) { stacker_->save(tmp); });
    out["stacker"] = {
        {"model_file", "stacker.liblinear"}, {"means", stackMeans_}, {"scales", stackScales_}};
  } else {
    out["calibration"] = calibration_.toJson();
  }
  return out;
}

ClassicalModel ClassicalModel::load(const std::filesystem::path& folder, const nlohmann::json& d) {
  const std::string context = (folder / "model.json").string();
  try {
    ClassicalModel m;
    m.late_ = d.at("fusion").get<std::string>() == "late";
    m.inputColumns_ = d.at("input_columns").get<std::vector<std::string>>();
    for (const auto& entry : d.at("members")) {
      m.members_.push_back(ClassificationPipeline::load(folder, entry));
      const auto& b = entry.at("block");
      m.blocks_.push_back({b.at("name").get<std::string>(), b.at("begin").get<std::size_t>(),
                           b.at("end").get<std::size_t>()});
      const auto& cols = m.members_.back().transform().inputColumns();
      if (m.blocks_.back().end > m.inputColumns_.size() ||
          m.blocks_.back().end - m.blocks_.back().begin != cols.size()) {
        throw Error(ErrorCode::ModelInvalid, context + ": member columns do not match the inputs");
      }
    }
    if (m.members_.empty()) throw Error(ErrorCode::ModelInvalid, context + ": no members");
    if (m.late_) {
      const auto& s = d.at("stacker");
      m.stacker_ = LogisticRegressionClassifier::load(
          LearnerSpec{"logistic_l2", {{"C", 1.0}}}, folder / s.at("model_file").get<std::string>());
      m.stackMeans_ = s.at("means").get<std::vector<double>>();
      m.stackScales_ = s.at("scales").get<std::vector<double>>();
      if (m.stackMeans_.size() != m.members_.size() || m.stackScales_.size() != m.members_.size()) {
        throw Error(ErrorCode::ModelInvalid, context + ": stacker does not match the members");
      }
    } else {
      m.calibration_ = PlattCalibrator::fromJson(d.at("calibration"), context);
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, context + ": malformed model description: " + e.what());
  }
}

}  // namespace medsight
