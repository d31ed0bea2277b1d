// ValidationReport::html(): the self-contained report page.
#include <cmath>
#include <map>
#include <sstream>

#include "core/Version.h"
#include "explain/HeatmapOverlay.h"
#include "report/HtmlText.h"
#include "report/ReportAssets.h"
#include "report/ValidationCharts.h"
#include "report/ValidationReport.h"

namespace medsight {
namespace {

using nlohmann::json;

constexpr const char* kStyle = R"CSS(
:root { --ink:#1d2430; --muted:#5b6676; --line:#d9dee5; --accent:#2f5d9e; --warn:#fff4d6;
        --warnline:#e0b000; --danger:#fde2e1; --dangerline:#c62828; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px 32px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.banner { border-left: 6px solid var(--warnline); background: var(--warn); padding: 12px 16px;
          margin: 16px 0; }
.banner.training { border-color: var(--dangerline); background: var(--danger); }
.banner.independent { border-color: #2e7d32; background: #e6f4e7; }
.banner strong { font-size: 16px; display: block; margin-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.chart { min-width: 300px; min-height: 200px; break-inside: avoid; }
.note { color: var(--muted); font-size: 12.5px; max-width: 900px; }
.gallery { display: flex; flex-wrap: wrap; gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px; width: 360px; break-inside: avoid; }
.card .pair { display: flex; gap: 6px; }
.card img { width: 170px; height: 170px; object-fit: contain; image-rendering: pixelated;
            background: #000; border-radius: 3px; }
.card .caption { font-size: 12.5px; margin-top: 6px; }
.legend img { width: 240px; height: 12px; vertical-align: middle; image-rendering: auto; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 480px; }
.hash { word-break: break-all; }
.model-block { margin-top: 28px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0 10px; max-width: none; } h2 { break-after: avoid; }
               pre { max-height: none; white-space: pre-wrap; } details > * { display: block; } }
)CSS";

std::string esc(const std::string& s) {
  return HtmlText::escape(s);
}
std::string num(double v, int d = 3) {
  return HtmlText::number(v, d);
}
std::string pct(double v) {
  return std::isfinite(v) ? HtmlText::number(100 * v, 1) + "%" : "\u2013";
}

/// Chart placeholder plus its spec; rendered by vega-embed at the end of the page.
class ChartList {
 public:
  std::string add(const std::string& element, const json& spec, const std::string& label) {
    const std::string id = "chart-" + std::to_string(specs_.size());
    specs_.push_back({id, spec});
    return "<div class=\"chart\" role=\"img\" aria-label=\"" + esc(label) + "\" data-element=\"" +
           element + "\" data-chart-spec=\"spec-" + id + "\" id=\"" + id + "\"></div>\n";
  }
  std::string scripts() const {
    std::string out;
    for (const auto& [id, spec] : specs_) {
      out += "<script type=\"application/json\" id=\"spec-" + id + "\">" +
             HtmlText::scriptJson(spec) + "</script>\n";
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, json>> specs_;
};

std::string metricRow(const std::string& name, const MetricEstimate& m, const std::string& note) {
  return "<tr><th>" + esc(name) + "</th><td class=\"num\">" +
         HtmlText::withInterval(m.value, m.lower, m.upper) + "</td><td class=\"note\">" +
         esc(note) + "</td></tr>\n";
}

std::string roleClass(DataRole role) {
  switch (role) {
    case DataRole::Training:
      return "training";
    case DataRole::Independent:
      return "independent";
    default:
      return "selection";
  }
}

std::string modelTitle(const ModelValidation& m) {
  return m.manifest.name + " " + m.manifest.version;
}

std::string metricsTable(const ModelValidation& m, const std::vector<std::string>& labels) {
  const auto& e = m.evaluation.metrics;
  const std::string pos = labels.size() > 1 ? labels[1] : "positive";
  std::string h =
      "<table data-element=\"metrics-ci\"><tr><th>Metric</th><th>Value (95% CI)</th>"
      "<th>Meaning</th></tr>\n";
  h += metricRow("AUC (ROC)", e.at("auc"),
                 "probability a random " + pos + " image scores above a random other one");
  h += metricRow("Average precision", e.at("average_precision"), "area under the PR curve");
  h += metricRow("Sensitivity", e.at("sensitivity"), pos + " images called " + pos);
  h += metricRow("Specificity", e.at("specificity"), "other images called " + labels[0]);
  h += metricRow("PPV (precision)", e.at("ppv"),
                 "calls of " + pos + " that are right (depends on prevalence)");
  h += metricRow("NPV", e.at("npv"),
                 "calls of " + labels[0] + " that are right (depends on prevalence)");
  h += metricRow("Accuracy", e.at("accuracy"), "");
  h += metricRow("Balanced accuracy", e.at("balanced_accuracy"),
                 "mean of sensitivity and specificity");
  h += metricRow("F1", e.at("f1"), "harmonic mean of PPV and sensitivity");
  h += "</table>\n";
  return h;
}

std::string thresholdTable(const ModelValidation& m) {
  std::string h =
      "<table data-element=\"threshold-table\"><tr><th>Rule</th><th>Threshold</th>"
      "<th>Sensitivity</th><th>Specificity</th><th>PPV</th><th>NPV</th><th>TP</th><th>FP</th>"
      "<th>TN</th><th>FN</th></tr>\n";
  for (const auto& r : m.thresholds) {
    h += "<tr><td>" + esc(r.rule) + (r.chosenOnThisData ? " *" : "") + "</td><td class=\"num\">" +
         num(r.threshold, 4) + "</td><td class=\"num\">" + num(r.counts.sensitivity()) +
         "</td><td class=\"num\">" + num(r.counts.specificity()) + "</td><td class=\"num\">" +
         num(r.counts.ppv()) + "</td><td class=\"num\">" + num(r.counts.npv()) +
         "</td><td class=\"num\">" + std::to_string(r.counts.tp) + "</td><td class=\"num\">" +
         std::to_string(r.counts.fp) + "</td><td class=\"num\">" + std::to_string(r.counts.tn) +
         "</td><td class=\"num\">" + std::to_string(r.counts.fn) + "</td></tr>\n";
  }
  h += "</table>\n<p class=\"note\">* chosen on this data, so its sensitivity/specificity here "
       "is optimistic; confirm it on independent data before use. Thresholds apply to the "
       "calibrated probability (an image is called positive when p &ge; threshold).</p>\n";
  return h;
}

std::string subgroupTable(const ModelValidation& m) {
  if (m.subgroupColumns.empty()) {
    return "<p data-element=\"subgroup-table\" data-empty=\"true\">No subgroup columns: this data "
           "has no categorical columns besides image and label (add columns such as sex, site or "
           "scanner to a labels CSV to get a table per subgroup).</p>\n";
  }
  std::string h =
      "<table data-element=\"subgroup-table\"><tr><th>Column</th><th>Value</th>"
      "<th>Images</th><th>Positives</th><th>AUC (95% CI)</th><th>Sensitivity</th>"
      "<th>Specificity</th><th>PPV</th><th>NPV</th></tr>\n";
  for (const auto& r : m.subgroups) {
    const auto& e = r.evaluation.metrics;
    auto cell = [&](const char* k) {
      const auto& v = e.at(k);
      return "<td class=\"num\">" + HtmlText::withInterval(v.value, v.lower, v.upper) + "</td>";
    };
    h += "<tr><td>" + esc(r.column) + "</td><td>" + esc(r.value) + "</td><td class=\"num\">" +
         std::to_string(r.evaluation.samples) + "</td><td class=\"num\">" +
         std::to_string(r.evaluation.positives) + "</td>" + cell("auc") + cell("sensitivity") +
         cell("specificity") + cell("ppv") + cell("npv") + "</tr>\n";
  }
  h += "</table>\n<p class=\"note\">At the model's operating threshold. Small subgroups have "
       "wide intervals; a dash means the figure is undefined (e.g. no positives).</p>\n";
  return h;
}

std::string gallery(const ModelValidation& m, const std::string& colourBar) {
  if (m.gallery.empty()) {
    return "<p data-element=\"error-gallery\" data-empty=\"true\">No errors at the operating "
           "point.</p>\n";
  }
  std::string h =
      "<p class=\"legend\">Left: the image as the model saw it (display window); "
      "right: Grad-CAM evidence for the label the model <em>predicted</em>, "
      "low <img alt=\"colour scale\" src=\"" +
      colourBar + "\"> high.</p>\n<div class=\"gallery\" data-element=\"error-gallery\">\n";
  for (const auto& g : m.gallery) {
    h += "<figure class=\"card\" data-kind=\"" + esc(g.kind) +
         "\"><div class=\"pair\"><img alt=\"" + esc(g.id) + "\" src=\"" +
         HtmlText::fileDataUri(g.imagePng, "image/png") + "\"><img alt=\"Grad-CAM of " + esc(g.id) +
         "\" src=\"" + HtmlText::fileDataUri(g.overlayPng, "image/png") +
         "\"></div><figcaption class=\"caption\"><strong>" + esc(g.kind) + "</strong> &middot; " +
         esc(g.id) +
         "<br>true label: " + esc(m.manifest.labels[static_cast<std::size_t>(g.label)]) +
         " &middot; p(" + esc(m.manifest.labels[1]) + ") = " + num(g.probability) +
         "<br>heatmap: evidence for '" + esc(g.explainedLabel) + "'</figcaption></figure>\n";
  }
  h += "</div>\n";
  return h;
}

std::string sanitySection(const SanityCheckReport& s, ChartList& charts) {
  std::string h = "<div data-element=\"explanation-sanity\">\n<p class=\"note\">On " +
                  std::to_string(s.images) +
                  " images (stratified sample), each explained for its predicted label. "
                  "<b>Randomisation</b> (Adebayo et al. 2018): blocks are re-initialised from the "
                  "output backwards; a trustworthy map's rank correlation with the trained "
                  "model's map should fall towards 0. <b>Deletion/insertion</b> (Petsiuk et al. "
                  "2018): pixels removed (set to black) or inserted (into a blurred copy) in order "
                  "of saliency; a faithful map gives a lower deletion AUC and a higher insertion "
                  "AUC than a random order.</p>\n";
  h += "<table><tr><th>Method</th><th>Deletion AUC &darr;</th><th>random order</th>"
       "<th>Insertion AUC &uarr;</th><th>random order</th><th>&rho; after top block</th>"
       "<th>&rho; fully randomised</th><th>s / image</th></tr>\n";
  for (const auto& m : s.methods) {
    const double first = m.cascade.empty() ? NAN : m.cascade.front().spearman;
    const double last = m.cascade.empty() ? NAN : m.cascade.back().spearman;
    h += "<tr><td>" + esc(explanationMethodName(m.method)) + "</td><td class=\"num\">" +
         num(m.deletionAuc) + " &plusmn; " + num(m.deletionAucSd) + "</td><td class=\"num\">" +
         num(m.deletionAucRandom) + "</td><td class=\"num\">" + num(m.insertionAuc) + " &plusmn; " +
         num(m.insertionAucSd) + "</td><td class=\"num\">" + num(m.insertionAucRandom) +
         "</td><td class=\"num\">" + num(first) + "</td><td class=\"num\">" + num(last) +
         "</td><td class=\"num\">" + num(m.secondsPerImage, 4) + "</td></tr>\n";
  }
  h += "</table>\n";
  h += charts.add("randomisation-chart", ValidationCharts::randomisationCascade(s),
                  "Rank correlation of explanation maps as blocks are randomised");
  h += "</div>\n";
  return h;
}

std::string manifestSection(const ModelValidation& m) {
  const auto& mf = m.manifest;
  const auto training = mf.training;
  std::string h = "<table data-element=\"manifest\">";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + esc(k) + "</th><td>" + v + "</td></tr>\n";
  };
  row("Model", esc(mf.name + " " + mf.version));
  row("Description", esc(mf.description));
  row("Labels", esc(mf.labels[0] + " / " + mf.labels[1]));
  row("Architecture",
      esc(mf.architecture.name + ", width " + std::to_string(mf.architecture.width) + ", input " +
          std::to_string(mf.preprocessing.width) + "x" + std::to_string(mf.preprocessing.height) +
          "x" + std::to_string(mf.preprocessing.channels)));
  row("Ensemble members", std::to_string(mf.members.size()) +
                              (mf.testTimeAugmentation ? " (with test-time augmentation)" : ""));
  row("Calibration", "temperature " + num(mf.temperature, 4));
  row("Operating threshold", num(mf.threshold, 4) + " (" + esc(mf.thresholdRule) + ")");
  row("Grad-CAM layer", esc(mf.gradcamLayer));
  row("Weights SHA-256", "<code class=\"hash\">" + esc(mf.weightsHash()) + "</code>");
  row("Training data SHA-256", "<code class=\"hash\">" +
                                   esc(training.value("data_sha256", std::string("unknown"))) +
                                   "</code>");
  row("Trained", esc(training.value("finished_utc", std::string("unknown"))) + " with MedSight " +
                     esc(training.value("medsight_version", std::string("?"))) + " (" +
                     esc(training.value("medsight_commit", std::string("?"))) + ")");
  row("Package folder", "<code>" + esc(m.modelFolder.string()) + "</code>");
  h += "</table>\n<details><summary>Full manifest (manifest.json)</summary><pre>" +
       esc(mf.toJson().dump(2, ' ', false, json::error_handler_t::replace)) + "</pre></details>\n";
  return h;
}

std::string modelBlock(const ValidationReport& r, const ModelValidation& m, std::size_t index,
                       ChartList& charts, const std::string& colourBar) {
  const std::string neg = r.labels[0], pos = r.labels[1];
  const std::string title = esc(modelTitle(m));
  const auto& c = m.evaluation.counts;
  std::string h = "<section class=\"model-block\" data-model=\"" + std::to_string(index) + "\">\n";
  if (r.models.size() > 1) h += "<h2>Model " + std::to_string(index + 1) + ": " + title + "</h2>\n";

  h += "<h2>Performance at the operating point</h2>\n<p>Threshold <b>" + num(m.threshold, 4) +
       "</b> on the calibrated probability of '" + esc(pos) + "' (" +
       esc(m.manifest.thresholdRule) + "). 95% confidence intervals: stratified bootstrap, " +
       std::to_string(r.bootstrap.replicates) + " replicates, percentile method.</p>\n";
  h += metricsTable(m, r.labels);
  h +=
      "<div class=\"charts\">\n" +
      charts.add("confusion-matrix", ValidationCharts::confusion(c, neg, pos), "Confusion matrix") +
      "<table data-element=\"confusion-table\"><tr><th></th><th>Predicted " + esc(neg) +
      "</th><th>Predicted " + esc(pos) + "</th></tr><tr><th>Actual " + esc(neg) +
      "</th><td class=\"num\">TN " + std::to_string(c.tn) + "</td><td class=\"num\">FP " +
      std::to_string(c.fp) + "</td></tr><tr><th>Actual " + esc(pos) + "</th><td class=\"num\">FN " +
      std::to_string(c.fn) + "</td><td class=\"num\">TP " + std::to_string(c.tp) +
      "</td></tr></table>\n</div>\n";

  h += "<h2>Discrimination</h2>\n<div class=\"charts\">\n";
  NamedCurve roc{modelTitle(m), m.roc, 1.0 - c.specificity(), c.sensitivity()};
  NamedCurve pr{modelTitle(m), m.pr, c.sensitivity(), c.ppv()};
  h += charts.add("roc-curve", ValidationCharts::roc({roc}), "ROC curve");
  h += charts.add("pr-curve",
                  ValidationCharts::precisionRecall(
                      {pr}, static_cast<double>(r.positives) / static_cast<double>(r.samples)),
                  "Precision-recall curve");
  h += charts.add(
      "score-distribution",
      ValidationCharts::scoreDistribution(m.probabilities, m.labels, neg, pos, m.threshold),
      "Distribution of predicted probabilities");
  h += "</div>\n<p class=\"note\">Diamonds mark the operating point. The dashed line in the PR "
       "chart is the prevalence in this data (" +
       pct(static_cast<double>(r.positives) / r.samples) +
       "); PPV and NPV change with prevalence, sensitivity and specificity do not.</p>\n";

  h += "<h2>Calibration</h2>\n<div class=\"charts\">\n" +
       charts.add("calibration-plot",
                  ValidationCharts::reliability(m.calibration, m.calibrationBefore),
                  "Reliability diagram") +
       "<table data-element=\"calibration-figures\"><tr><th></th><th>Calibrated (reported)</th>"
       "<th>Before temperature</th></tr><tr><th>Expected calibration error (10 bins)</th><td "
       "class=\"num\">" +
       num(m.calibration.expectedCalibrationError, 4) + "</td><td class=\"num\">" +
       num(m.calibrationBefore.expectedCalibrationError, 4) +
       "</td></tr><tr><th>Maximum calibration error</th><td class=\"num\">" +
       num(m.calibration.maximumCalibrationError, 4) + "</td><td class=\"num\">" +
       num(m.calibrationBefore.maximumCalibrationError, 4) +
       "</td></tr><tr><th>Brier score</th><td class=\"num\">" + num(m.brier, 4) +
       "</td><td class=\"num\">" + num(m.brierBefore, 4) +
       "</td></tr><tr><th>Temperature</th><td class=\"num\">" + num(m.manifest.temperature, 4) +
       "</td><td class=\"num\">1</td></tr></table>\n</div>\n"
       "<p class=\"note\">Temperature scaling (Guo et al. 2017) was fitted on the model's "
       "validation split at training time and is applied by <code>medsight predict</code>. "
       "Error bars: 95% Wilson intervals of the observed rate per bin.</p>\n";
  if (m.recalibration) {
    const auto& rc = *m.recalibration;
    h += "<h3>Recalibration on this data</h3><table data-element=\"recalibration\"><tr><th>"
         "Temperature now</th><td class=\"num\">" +
         num(rc.currentTemperature, 4) +
         "</td></tr><tr><th>Temperature fitted on all of this data</th><td class=\"num\">" +
         num(rc.fittedTemperature, 4) + "</td></tr><tr><th>ECE now / after (" +
         std::to_string(rc.folds) + "-fold cross-fitted)</th><td class=\"num\">" +
         num(rc.eceBefore, 4) + " / " + num(rc.eceAfter, 4) +
         "</td></tr><tr><th>Brier now / after</th><td class=\"num\">" + num(rc.brierBefore, 4) +
         " / " + num(rc.brierAfter, 4) +
         "</td></tr></table>\n<p class=\"note\">Each fold's "
         "temperature was fitted on the other folds only, so 'after' is not measured on the data "
         "it was fitted on. Adopt a new temperature only with data from the deployment site.</p>\n";
  }

  h += "<h2>Threshold table</h2>\n" + thresholdTable(m);
  h += "<h2>Subgroups</h2>\n" + subgroupTable(m);
  h += "<h2>Most confident errors</h2>\n<p class=\"note\">The " +
       std::to_string(std::count_if(m.gallery.begin(), m.gallery.end(),
                                    [](const GalleryItem& g) { return g.label == 0; })) +
       " false positives with the highest and the " +
       std::to_string(std::count_if(m.gallery.begin(), m.gallery.end(),
                                    [](const GalleryItem& g) { return g.label == 1; })) +
       " false negatives with the lowest probability of '" + esc(pos) + "'.</p>\n" +
       gallery(m, colourBar);
  if (m.sanity) h += "<h2>Explanation sanity checks</h2>\n" + sanitySection(*m.sanity, charts);
  h += "<h2>Model manifest</h2>\n" + manifestSection(m);
  h += "</section>\n";
  return h;
}

std::string comparisonSection(const ValidationReport& r, ChartList& charts) {
  const auto& a = r.models[0];
  const auto& b = r.models[1];
  const auto& c = *r.comparison;
  std::string h =
      "<section data-element=\"comparison\"><h2>Comparison of two models on the same "
      "images</h2>\n<table><tr><th></th><th>" +
      esc(modelTitle(a)) + "</th><th>" + esc(modelTitle(b)) + "</th></tr>\n";
  for (const char* k : {"auc", "average_precision", "sensitivity", "specificity", "ppv", "npv"}) {
    const auto& ma = a.evaluation.metrics.at(k);
    const auto& mb = b.evaluation.metrics.at(k);
    h += "<tr><th>" + esc(k) + "</th><td class=\"num\">" +
         HtmlText::withInterval(ma.value, ma.lower, ma.upper) + "</td><td class=\"num\">" +
         HtmlText::withInterval(mb.value, mb.lower, mb.upper) + "</td></tr>\n";
  }
  h += "</table>\n<table data-element=\"comparison-test\"><tr><th>AUC difference (model 2 &minus; "
       "model 1)</th><td class=\"num\">" +
       HtmlText::withInterval(c.difference.value, c.difference.lower, c.difference.upper, 4) +
       " <span class=\"ci\">paired bootstrap 95% CI</span></td></tr><tr><th>DeLong test</th>"
       "<td class=\"num\">z = " +
       num(c.delongZ, 3) + ", p = " + num(c.delongP, 4) +
       "</td></tr></table>\n<p class=\"note\">Paired: both models scored the same " +
       std::to_string(r.samples) +
       " images, so the test uses the correlation between their scores (DeLong et al. 1988). "
       "Sensitivity and specificity are at each model's own operating threshold.</p>\n";
  std::vector<NamedCurve> rocs, prs;
  for (const auto& m : r.models) {
    const auto& cc = m.evaluation.counts;
    rocs.push_back({modelTitle(m), m.roc, 1.0 - cc.specificity(), cc.sensitivity()});
    prs.push_back({modelTitle(m), m.pr, cc.sensitivity(), cc.ppv()});
  }
  h += "<div class=\"charts\">" +
       charts.add("comparison-roc", ValidationCharts::roc(rocs), "ROC curves of both models") +
       charts.add(
           "comparison-pr",
           ValidationCharts::precisionRecall(prs, static_cast<double>(r.positives) / r.samples),
           "PR curves of both models") +
       "</div></section>\n";
  return h;
}

}  // namespace

std::string ValidationReport::html() const {
  ReportAssets::require();
  ChartList charts;
  std::string colourBar;
  {
    // The colour bar is drawn by the same colour map as the overlays.
    const Image bar = HeatmapOverlay::colourBar(256);
    const auto* px = reinterpret_cast<const unsigned char*>(bar.bytes().data());
    // Inline SVG gradient from the sampled colours (no file needed).
    std::ostringstream svg;
    svg << "<svg xmlns='http://www.w3.org/2000/svg' width='256' height='12'><defs><linearGradient "
           "id='g'>";
    for (int i = 0; i < 256; i += 15) {
      char stop[96];
      std::snprintf(stop, sizeof stop, "<stop offset='%.3f' stop-color='#%02x%02x%02x'/>",
                    i / 255.0, px[3 * i], px[3 * i + 1], px[3 * i + 2]);
      svg << stop;
    }
    svg << "</linearGradient></defs><rect width='256' height='12' fill='url(#g)'/></svg>";
    const std::string s = svg.str();
    colourBar = HtmlText::dataUri(std::as_bytes(std::span(s.data(), s.size())), "image/svg+xml");
  }
  const std::string title = models.size() == 1 ? "Validation of " + modelTitle(models[0])
                                               : "Comparison of " + modelTitle(models[0]) +
                                                     " and " + modelTitle(models[1]);
  std::string body;
  body += "<header data-element=\"title\"><h1>" + esc(title) + "</h1><p class=\"subtitle\">" +
          esc(dataset.value("source", std::string())) + " &middot; " + std::to_string(samples) +
          " images, " + std::to_string(positives) + " " + esc(labels[1]) + " &middot; created " +
          esc(createdUtc) + " by MedSight " + esc(kVersion) + "</p></header>\n";
  body += "<div class=\"banner " + roleClass(role) + "\" data-element=\"data-role\"><strong>" +
          esc(roleTitle) + "</strong>" + esc(roleNote) + "</div>\n";
  body += "<table data-element=\"data-summary\"><tr><th>Data</th><td><code>" +
          esc(dataset.value("path", std::string())) + "</code>" +
          (dataset.value("split", std::string()).empty()
               ? std::string()
               : " split <b>" + esc(dataset.value("split", std::string())) + "</b>") +
          "</td></tr><tr><th>Images</th><td>" + std::to_string(samples) + " (" +
          std::to_string(samples - positives) + " " + esc(labels[0]) + ", " +
          std::to_string(positives) + " " + esc(labels[1]) +
          ")</td></tr><tr><th>Data SHA-256</th>"
          "<td><code class=\"hash\" data-element=\"data-hash\">" +
          esc(dataset.value("sha256", std::string())) +
          "</code><div class=\"note\">over image ids, labels and pixel bytes "
          "(LabeledImageSet::contentHash)</div></td></tr><tr><th>Command</th><td><code>" +
          esc(commandLine) + "</code></td></tr></table>\n";
  if (comparison) body += comparisonSection(*this, charts);
  for (std::size_t i = 0; i < models.size(); ++i) {
    body += modelBlock(*this, models[i], i, charts, colourBar);
  }
  body += "<footer>MedSight " + esc(kVersion) + " (" + esc(kGitCommit) +
          "). Charts: " + esc(ReportAssets::versions()) +
          ", inlined; this file needs no network. Not a medical device; for research and "
          "validation.</footer>\n";

  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                     esc(title) +
                     "</title>\n<meta name=\"viewport\" content=\"width=device-width\">\n"
                     "<style>" +
                     std::string(kStyle) + "</style></head>\n<body>\n" + body;
  page += charts.scripts();
  page += "<script>";
  page += ReportAssets::vega();
  page += "</script>\n<script>";
  page += ReportAssets::vegaLite();
  page += "</script>\n<script>";
  page += ReportAssets::vegaEmbed();
  page += "</script>\n";
  page += R"JS(<script>
(function () {
  const charts = Array.from(document.querySelectorAll('[data-chart-spec]'));
  const jobs = charts.map(function (el) {
    const spec = JSON.parse(document.getElementById(el.dataset.chartSpec).textContent);
    return vegaEmbed(el, spec, { actions: false, renderer: 'svg' })
      .then(function () { el.dataset.rendered = 'true'; })
      .catch(function (e) { el.dataset.rendered = 'error'; el.textContent = 'Chart failed: ' + e; });
  });
  Promise.all(jobs).then(function () { document.body.dataset.chartsRendered = String(charts.length); });
})();
</script>
</body></html>
)JS";
  return page;
}

}  // namespace medsight
