#include "report/ValidationCharts.h"

#include <cmath>

#include "explain/ExplanationSanityCheck.h"

namespace medsight {
namespace {

using nlohmann::json;

constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v6.json";
constexpr int kSide = 340;

json base(const std::string& title) {
  return {{"$schema", kSchema},
          {"title", title},
          {"width", kSide},
          {"height", kSide},
          {"config", {{"font", "system-ui, sans-serif"}, {"view", {{"stroke", "#ccc"}}}}}};
}

json axisField(const std::string& field, const std::string& title) {
  return {{"field", field},
          {"type", "quantitative"},
          {"title", title},
          {"scale", {{"domain", {0, 1}}}}};
}

json finite(double v) {
  return std::isfinite(v) ? json(v) : json();
}

/// Curves with many points are thinned to about 1,500 so reports stay small; the shape at
/// chart resolution (340 px) is unchanged and the JSON keeps the full curve.
json curveValues(const NamedCurve& c) {
  json values = json::array();
  const std::size_t step = c.points.size() > 1500 ? c.points.size() / 1500 + 1 : 1;
  for (std::size_t i = 0; i < c.points.size(); ++i) {
    if (i % step != 0 && i + 1 != c.points.size()) continue;
    const auto& p = c.points[i];
    values.push_back({{"model", c.model},
                      {"order", i},
                      {"x", p.x},
                      {"y", p.y},
                      {"threshold", finite(p.threshold)}});
  }
  return values;
}

json curveChart(const std::vector<NamedCurve>& curves, const std::string& title,
                const std::string& xTitle, const std::string& yTitle, json extraLayer) {
  json spec = base(title);
  json values = json::array(), points = json::array();
  for (const auto& c : curves) {
    for (auto& v : curveValues(c)) values.push_back(v);
    points.push_back({{"model", c.model}, {"x", c.operatingX}, {"y", c.operatingY}});
  }
  json colour = {{"field", "model"}, {"type", "nominal"}, {"title", "Model"}};
  spec["layer"] = json::array(
      {extraLayer,
       {{"data", {{"values", values}}},
        {"mark", {{"type", "line"}, {"interpolate", "step-after"}, {"strokeWidth", 2}}},
        {"encoding",
         {{"x", axisField("x", xTitle)},
          {"y", axisField("y", yTitle)},
          {"order", {{"field", "order"}, {"type", "quantitative"}}},
          {"color", colour},
          {"tooltip",
           json::array({{{"field", "model"}},
                        {{"field", "threshold"}, {"format", ".3f"}, {"title", "threshold"}},
                        {{"field", "x"}, {"format", ".3f"}, {"title", xTitle}},
                        {{"field", "y"}, {"format", ".3f"}, {"title", yTitle}}})}}}},
       {{"data", {{"values", points}}},
        {"mark", {{"type", "point"}, {"filled", true}, {"size", 90}, {"shape", "diamond"}}},
        {"encoding",
         {{"x", axisField("x", xTitle)},
          {"y", axisField("y", yTitle)},
          {"color", colour},
          {"tooltip", json::array({{{"field", "model"}, {"title", "operating point of"}},
                                   {{"field", "x"}, {"format", ".3f"}, {"title", xTitle}},
                                   {{"field", "y"}, {"format", ".3f"}, {"title", yTitle}}})}}}}});
  return spec;
}

}  // namespace

json ValidationCharts::roc(const std::vector<NamedCurve>& curves) {
  json diagonal{{"data", {{"values", json::array({{{"x", 0}, {"y", 0}}, {{"x", 1}, {"y", 1}}})}}},
                {"mark", {{"type", "line"}, {"strokeDash", {4, 4}}, {"color", "#999"}}},
                {"encoding",
                 {{"x", axisField("x", "1 - specificity (false-positive rate)")},
                  {"y", axisField("y", "Sensitivity (true-positive rate)")}}}};
  return curveChart(curves, "ROC curve", "1 - specificity (false-positive rate)",
                    "Sensitivity (true-positive rate)", diagonal);
}

json ValidationCharts::precisionRecall(const std::vector<NamedCurve>& curves, double prevalence) {
  json baseline{{"data", {{"values", json::array({{{"y", prevalence}}})}}},
                {"mark", {{"type", "rule"}, {"strokeDash", {4, 4}}, {"color", "#999"}}},
                {"encoding", {{"y", axisField("y", "Precision (PPV)")}}}};
  return curveChart(curves, "Precision-recall curve", "Recall (sensitivity)", "Precision (PPV)",
                    baseline);
}

json ValidationCharts::confusion(const ConfusionCounts& c, const std::string& negative,
                                 const std::string& positive) {
  const double pos = static_cast<double>(c.tp + c.fn), neg = static_cast<double>(c.tn + c.fp);
  auto cell = [](const std::string& actual, const std::string& predicted, std::size_t n,
                 double rowTotal) {
    return json{{"actual", actual},
                {"predicted", predicted},
                {"count", n},
                {"share", rowTotal > 0 ? static_cast<double>(n) / rowTotal : 0.0}};
  };
  json values =
      json::array({cell(negative, negative, c.tn, neg), cell(negative, positive, c.fp, neg),
                   cell(positive, negative, c.fn, pos), cell(positive, positive, c.tp, pos)});
  json order = json::array({negative, positive});
  json spec = base("Confusion matrix at the operating point");
  spec["width"] = 260;
  spec["height"] = 260;
  spec["data"] = {{"values", values}};
  spec["transform"] = json::array(
      {{{"calculate", "datum.count + ' (' + format(datum.share, '.1%') + ')'"}, {"as", "text"}}});
  json x{{"field", "predicted"}, {"type", "nominal"}, {"sort", order}, {"title", "Predicted"}};
  json y{{"field", "actual"}, {"type", "nominal"}, {"sort", order}, {"title", "Actual"}};
  spec["encoding"] = {{"x", x}, {"y", y}};
  spec["layer"] =
      json::array({{{"mark", "rect"},
                    {"encoding",
                     {{"color",
                       {{"field", "share"},
                        {"type", "quantitative"},
                        {"title", "Share of row"},
                        {"scale", {{"domain", {0, 1}}, {"scheme", "blues"}}}}}}}},
                   {{"mark", {{"type", "text"}, {"fontSize", 15}, {"fontWeight", "bold"}}},
                    {"encoding",
                     {{"text", {{"field", "text"}}},
                      {"color",
                       {{"condition", {{"test", "datum.share > 0.5"}, {"value", "white"}}},
                        {"value", "black"}}}}}}});
  return spec;
}

json ValidationCharts::reliability(const ReliabilityCurve& calibrated,
                                   const ReliabilityCurve& uncalibrated) {
  json values = json::array();
  auto add = [&](const ReliabilityCurve& c, const std::string& series) {
    for (const auto& b : c.bins) {
      if (b.count == 0) continue;
      values.push_back({{"series", series},
                        {"lower", b.lower},
                        {"upper", b.upper},
                        {"centre", (b.lower + b.upper) / 2},
                        {"count", b.count},
                        {"predicted", b.meanPredicted},
                        {"observed", b.observedRate},
                        {"observed_lower", b.observedLower},
                        {"observed_upper", b.observedUpper}});
    }
  };
  add(calibrated, "calibrated (reported)");
  add(uncalibrated, "before temperature scaling");
  json colour{{"field", "series"}, {"type", "nominal"}, {"title", "Probabilities"}};
  json diagram{
      {"width", kSide},
      {"height", kSide},
      {"layer",
       json::array(
           {{{"data", {{"values", json::array({{{"x", 0}, {"y", 0}}, {{"x", 1}, {"y", 1}}})}}},
             {"mark", {{"type", "line"}, {"strokeDash", {4, 4}}, {"color", "#999"}}},
             {"encoding",
              {{"x", axisField("x", "Mean predicted probability")},
               {"y", axisField("y", "Observed fraction positive")}}}},
            {{"data", {{"values", values}}},
             {"mark", {{"type", "rule"}, {"opacity", 0.6}}},
             {"encoding",
              {{"x", axisField("predicted", "Mean predicted probability")},
               {"y", axisField("observed_lower", "Observed fraction positive")},
               {"y2", {{"field", "observed_upper"}}},
               {"color", colour}}}},
            {{"data", {{"values", values}}},
             {"mark", {{"type", "line"}, {"point", true}}},
             {"encoding",
              {{"x", axisField("predicted", "Mean predicted probability")},
               {"y", axisField("observed", "Observed fraction positive")},
               {"color", colour},
               {"tooltip",
                json::array(
                    {{{"field", "series"}},
                     {{"field", "count"}, {"title", "images"}},
                     {{"field", "predicted"}, {"format", ".3f"}},
                     {{"field", "observed"}, {"format", ".3f"}},
                     {{"field", "observed_lower"}, {"format", ".3f"}, {"title", "95% CI low"}},
                     {{"field", "observed_upper"},
                      {"format", ".3f"},
                      {"title", "95% CI high"}}})}}}}})}};
  json histogram{
      {"width", kSide},
      {"height", 90},
      {"data", {{"values", values}}},
      {"transform", json::array({{{"filter", "datum.series === 'calibrated (reported)'"}}})},
      {"mark", {{"type", "bar"}, {"color", "#4c78a8"}}},
      {"encoding",
       {{"x",
         {{"field", "lower"},
          {"type", "quantitative"},
          {"title", "Predicted probability bin"},
          {"scale", {{"domain", {0, 1}}}}}},
        {"x2", {{"field", "upper"}}},
        {"y", {{"field", "count"}, {"type", "quantitative"}, {"title", "Images"}}},
        {"tooltip",
         json::array({{{"field", "count"}}, {{"field", "lower"}}, {{"field", "upper"}}})}}}};
  json spec{{"$schema", kSchema},
            {"title", "Reliability diagram"},
            {"vconcat", json::array({diagram, histogram})},
            {"config", {{"font", "system-ui, sans-serif"}}}};
  return spec;
}

json ValidationCharts::scoreDistribution(const std::vector<double>& probabilities,
                                         const std::vector<int>& labels,
                                         const std::string& negative, const std::string& positive,
                                         double threshold) {
  json values = json::array();
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    values.push_back({{"p", probabilities[i]}, {"label", labels[i] == 1 ? positive : negative}});
  }
  json spec = base("Predicted probability by true label");
  spec["height"] = 200;
  spec["layer"] = json::array(
      {{{"data", {{"values", values}}},
        {"mark", {{"type", "bar"}, {"opacity", 0.7}}},
        {"encoding",
         {{"x",
           {{"field", "p"},
            {"type", "quantitative"},
            {"bin", {{"maxbins", 40}, {"extent", {0, 1}}}},
            {"title", "Calibrated probability of " + positive}}},
          {"y",
           {{"aggregate", "count"},
            {"type", "quantitative"},
            {"stack", nullptr},
            {"title", "Images"}}},
          {"color", {{"field", "label"}, {"type", "nominal"}, {"title", "True label"}}}}}},
       {{"data", {{"values", json::array({{{"t", threshold}}})}}},
        {"mark", {{"type", "rule"}, {"color", "black"}, {"strokeDash", {6, 3}}}},
        {"encoding",
         {{"x", {{"field", "t"}, {"type", "quantitative"}}},
          {"tooltip", json::array({{{"field", "t"}, {"title", "operating threshold"}}})}}}}});
  return spec;
}

json ValidationCharts::randomisationCascade(const SanityCheckReport& report) {
  json values = json::array();
  for (const auto& m : report.methods) {
    values.push_back({{"method", explanationMethodName(m.method)},
                      {"stage", 0},
                      {"block", "trained"},
                      {"rho", 1.0}});
    for (const auto& s : m.cascade) {
      values.push_back({{"method", explanationMethodName(m.method)},
                        {"stage", s.blocks},
                        {"block", s.block},
                        {"rho", finite(s.spearman)},
                        {"rho_abs", finite(s.spearmanAbs)}});
    }
  }
  json spec = base("Cascading randomisation: similarity to the trained model's maps");
  spec["height"] = 240;
  spec["width"] = 460;
  spec["data"] = {{"values", values}};
  spec["layer"] = json::array(
      {{{"mark", {{"type", "line"}, {"point", true}}},
        {"encoding",
         {{"x",
           {{"field", "stage"},
            {"type", "ordinal"},
            {"title", "Blocks re-initialised from the output (0 = trained)"}}},
          {"y",
           {{"field", "rho"},
            {"type", "quantitative"},
            {"title", "Mean Spearman rank correlation"},
            {"scale", {{"domain", {-0.2, 1}}}}}},
          {"color", {{"field", "method"}, {"type", "nominal"}, {"title", "Method"}}},
          {"tooltip",
           json::array({{{"field", "method"}},
                        {{"field", "block"}, {"title", "down to"}},
                        {{"field", "rho"}, {"format", ".3f"}},
                        {{"field", "rho_abs"}, {"format", ".3f"}, {"title", "rho of |map|"}}})}}}},
       {{"data", {{"values", json::array({{{"y", 0}}})}}},
        {"mark", {{"type", "rule"}, {"color", "#999"}, {"strokeDash", {4, 4}}}},
        {"encoding", {{"y", {{"field", "y"}, {"type", "quantitative"}}}}}}});
  return spec;
}

}  // namespace medsight
