#include "classical/DecisionTreeClassifier.h"

#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {

DecisionTreeClassifier::DecisionTreeClassifier(LearnerSpec spec) : spec_(std::move(spec)) {}

int DecisionTreeClassifier::leafOf(const double* row) const {
  int n = 0;
  while (nodes_[std::size_t(n)].feature >= 0) {
    const Node& node = nodes_[std::size_t(n)];
    n = row[node.feature] <= node.threshold ? node.left : node.right;
  }
  return n;
}

void DecisionTreeClassifier::fit(const DenseMatrix& x, std::span<const int> y,
                                 const std::array<double, 2>& classWeight) {
  cv::Mat samples(int(x.rows), int(x.cols), CV_32F);
  cv::Mat responses(int(x.rows), 1, CV_32S);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) samples.at<float>(int(r), int(c)) = float(x.at(r, c));
    responses.at<int>(int(r)) = y[r];
  }
  cv::Ptr<cv::ml::DTrees> tree;
  try {
    tree = cv::ml::DTrees::create();
    tree->setMaxDepth(spec_.params.value("max_depth", 3));
    tree->setMinSampleCount(spec_.params.value("min_samples", 5));
    tree->setCVFolds(0);  // no OpenCV-internal pruning: depth and leaf size are tuned by CV
    tree->setUseSurrogates(false);
    tree->setMaxCategories(2);
    tree->setRegressionAccuracy(0);
    // OpenCV weighs every sample of class c by priors[c] (checked below: the exported leaves
    // must reproduce OpenCV's own predictions), so the priors are the class weights.
    cv::Mat priors = (cv::Mat_<float>(1, 2) << float(classWeight[0]), float(classWeight[1]));
    tree->setPriors(priors);
    tree->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, responses));
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::TrainingFailed, std::string("OpenCV decision tree: ") + e.what());
  }
  const auto& cvNodes = tree->getNodes();
  const auto& cvSplits = tree->getSplits();
  nodes_.clear();
  features_ = x.cols;
  // Depth-first export from the root. OpenCV 4's predictTrees() sends an ordered variable left
  // when value <= c and ignores Split::inversed for ordered splits, so the export does too.
  std::function<int(int)> exportNode = [&](int index) -> int {
    const auto& n = cvNodes[std::size_t(index)];
    const int id = int(nodes_.size());
    nodes_.push_back(Node{});
    if (n.left < 0 || n.split < 0) return id;
    const auto& split = cvSplits[std::size_t(n.split)];
    const int left = exportNode(n.left);
    const int right = exportNode(n.right);
    nodes_[std::size_t(id)].feature = split.varIdx;
    nodes_[std::size_t(id)].threshold = split.c;
    nodes_[std::size_t(id)].left = left;
    nodes_[std::size_t(id)].right = right;
    return id;
  };
  exportNode(tree->getRoots().front());
  std::vector<double> weightPos(nodes_.size(), 0.0), weightAll(nodes_.size(), 0.0);
  std::size_t disagreements = 0;
  for (std::size_t r = 0; r < x.rows; ++r) {
    // Route the float copy, as OpenCV saw it.
    std::vector<double> row(x.cols);
    for (std::size_t c = 0; c < x.cols; ++c) row[c] = samples.at<float>(int(r), int(c));
    const int leaf = leafOf(row.data());
    Node& node = nodes_[std::size_t(leaf)];
    node.samples += 1;
    node.positives += y[r];
    weightAll[std::size_t(leaf)] += classWeight[y[r] ? 1 : 0];
    weightPos[std::size_t(leaf)] += y[r] ? classWeight[1] : 0.0;
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].feature >= 0) continue;
    // Shrink toward 1/2 by one pseudo-sample so a pure leaf never claims certainty.
    nodes_[i].positiveFraction = (weightPos[i] + 0.5) / (weightAll[i] + 1.0);
  }
  // The export must reproduce OpenCV's leaf assignment: compare predicted classes.
  for (std::size_t r = 0; r < x.rows; ++r) {
    std::vector<double> row(x.cols);
    for (std::size_t c = 0; c < x.cols; ++c) row[c] = samples.at<float>(int(r), int(c));
    const int leaf = leafOf(row.data());
    const float cvClass = tree->predict(samples.row(int(r)));
    const bool ours = nodes_[std::size_t(leaf)].positiveFraction > 0.5;
    if (ours != (cvClass > 0.5f) &&
        std::abs(nodes_[std::size_t(leaf)].positiveFraction - 0.5) > 1e-6) {
      ++disagreements;
    }
  }
  if (disagreements > 0) {
    throw Error(ErrorCode::Internal, "decision tree export disagrees with OpenCV on " +
                                         std::to_string(disagreements) + " training rows");
  }
}

std::vector<double> DecisionTreeClassifier::score(const DenseMatrix& x) const {
  if (nodes_.empty()) throw Error(ErrorCode::Internal, "decision tree used before training");
  if (x.cols != features_) {
    throw Error(ErrorCode::ModelInvalid, "decision tree expects " + std::to_string(features_) +
                                             " features, got " + std::to_string(x.cols));
  }
  std::vector<double> out(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double p = nodes_[std::size_t(leafOf(x.row(r)))].positiveFraction;
    out[r] = std::log(p / (1.0 - p));
  }
  return out;
}

void DecisionTreeClassifier::save(const std::filesystem::path& path) const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : nodes_) {
    if (n.feature >= 0) {
      nodes.push_back({{"feature", n.feature},
                       {"threshold", n.threshold},
                       {"left", n.left},
                       {"right", n.right}});
    } else {
      nodes.push_back({{"positive_fraction", n.positiveFraction},
                       {"samples", n.samples},
                       {"positives", n.positives}});
    }
  }
  AtomicFile::write(path, nlohmann::json{{"features", features_}, {"nodes", nodes}}.dump(1) + "\n");
}

std::unique_ptr<DecisionTreeClassifier> DecisionTreeClassifier::load(
    LearnerSpec spec, const std::filesystem::path& path) {
  auto out = std::make_unique<DecisionTreeClassifier>(std::move(spec));
  std::ifstream in(path);
  try {
    const auto j = JsonText::parse(in, path.string(), ErrorCode::ModelInvalid);
    out->features_ = j.at("features").get<std::size_t>();
    for (const auto& n : j.at("nodes")) {
      Node node;
      if (n.contains("feature")) {
        node.feature = n.at("feature").get<int>();
        node.threshold = n.at("threshold").get<double>();
        node.left = n.at("left").get<int>();
        node.right = n.at("right").get<int>();
      } else {
        node.positiveFraction = n.at("positive_fraction").get<double>();
        node.samples = n.value("samples", 0);
        node.positives = n.value("positives", 0);
      }
      out->nodes_.push_back(node);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ModelInvalid, path.string() + ": malformed decision tree: " + e.what());
  }
  const int count = int(out->nodes_.size());
  for (const auto& n : out->nodes_) {
    const bool ok = n.feature < 0 ? (n.positiveFraction > 0 && n.positiveFraction < 1)
                                  : (n.feature < int(out->features_) && n.left > 0 &&
                                     n.left < count && n.right > 0 && n.right < count);
    if (!ok) throw Error(ErrorCode::ModelInvalid, path.string() + ": inconsistent decision tree");
  }
  if (count == 0) throw Error(ErrorCode::ModelInvalid, path.string() + ": empty decision tree");
  return out;
}

std::vector<std::string> DecisionTreeClassifier::rules(const std::vector<std::string>& names,
                                                       const std::vector<double>& means,
                                                       const std::vector<double>& scales,
                                                       const std::string& positiveClass) const {
  std::vector<std::string> out;
  std::vector<std::string> path;
  std::function<void(int)> walk = [&](int id) {
    const Node& n = nodes_[std::size_t(id)];
    if (n.feature < 0) {
      std::ostringstream s;
      s << "IF ";
      for (std::size_t i = 0; i < path.size(); ++i) s << (i ? " AND " : "") << path[i];
      if (path.empty()) s << "(always)";
      char p[64];
      std::snprintf(p, sizeof p, "%.2f", n.positiveFraction);
      s << " THEN P(" << positiveClass << ") = " << p << "  [" << n.positives << " of " << n.samples
        << " training samples " << positiveClass << "]";
      out.push_back(s.str());
      return;
    }
    const std::size_t f = std::size_t(n.feature);
    const double raw =
        n.threshold * (f < scales.size() ? scales[f] : 1.0) + (f < means.size() ? means[f] : 0.0);
    char t[64];
    std::snprintf(t, sizeof t, "%.4g", raw);
    const std::string name = f < names.size() ? names[f] : "feature " + std::to_string(f);
    path.push_back(name + " <= " + t);
    walk(n.left);
    path.back() = name + " > " + t;
    walk(n.right);
    path.pop_back();
  };
  walk(0);
  return out;
}

}  // namespace medsight
