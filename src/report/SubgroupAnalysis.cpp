#include "report/SubgroupAnalysis.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace medsight {

std::vector<std::string> SubgroupAnalysis::subgroupColumns(const LabeledImageSet& data,
                                                           std::size_t maxLevels) {
  std::vector<std::string> out;
  for (const auto& [name, values] : data.columns) {
    const std::set<std::string> distinct(values.begin(), values.end());
    // Identifiers and free text have (nearly) one value per row; they are not subgroups.
    if (distinct.size() >= 2 && distinct.size() <= maxLevels &&
        distinct.size() * 2 <= values.size()) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<SubgroupRow> SubgroupAnalysis::compute(const LabeledImageSet& data,
                                                   std::span<const double> probabilities,
                                                   double threshold,
                                                   const BootstrapOptions& options,
                                                   std::size_t maxLevels) {
  std::vector<SubgroupRow> rows;
  for (const auto& column : subgroupColumns(data, maxLevels)) {
    const auto& values = data.columns.at(column);
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < values.size(); ++i) groups[values[i]].push_back(i);
    for (const auto& [value, indices] : groups) {
      std::vector<double> p;
      std::vector<int> l;
      for (auto i : indices) {
        p.push_back(probabilities[i]);
        l.push_back(data.labels[i]);
      }
      rows.push_back({column, value, BinaryEvaluation::compute(p, l, threshold, options)});
    }
  }
  return rows;
}

nlohmann::json SubgroupAnalysis::toJson(const std::vector<SubgroupRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json e = r.evaluation.toJson();
    e["column"] = r.column;
    e["value"] = r.value;
    out.push_back(e);
  }
  return out;
}

}  // namespace medsight
