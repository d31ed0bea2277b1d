// `medsight validate` and `medsight explain-sanity`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "explain/ExplanationSanityCheck.h"
#include "models/ImageClassifier.h"
#include "report/PdfPrinter.h"
#include "report/ReportAssets.h"
#include "report/ValidationDataset.h"
#include "report/ValidationReport.h"

namespace medsight {
namespace {

using nlohmann::json;

std::vector<ExplanationMethod> parseMethods(const std::vector<std::string>& names) {
  std::vector<ExplanationMethod> out;
  for (const auto& n : names) {
    if (n == "all") {
      return {ExplanationMethod::GradCam, ExplanationMethod::Occlusion,
              ExplanationMethod::IntegratedGradients};
    }
    out.push_back(parseExplanationMethod(n));
  }
  return out;
}

std::string slugOf(const ModelManifest& m, std::size_t index) {
  std::string s = "m" + std::to_string(index + 1) + "-";
  for (char c : m.name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

class ValidateCommand : public Command {
 public:
  std::string name() const override { return "validate"; }
  std::string summary() const override {
    return "Validation report (HTML + PDF + JSON): ROC/PR, confusion matrix, CIs, calibration, "
           "thresholds, subgroups, error gallery with heatmaps; --compare for two models";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("--compare", compare_, "Second model package: paired comparison (DeLong)");
    app.add_option("--data", data_, "npz archive (MedMNIST splits) or labels CSV")->required();
    app.add_option("--split", split_, "npz split (default: test if present, else val)");
    app.add_option("--out", out_, "Output folder for report.html/.pdf/.json")->required();
    app.add_option("--image-column", imageColumn_, "CSV column with image paths")
        ->capture_default_str();
    app.add_option("--label-column", labelColumn_, "CSV column with labels (default from model)");
    // Fewer than 50 replicates give no usable 95% interval.
    app.add_option("--bootstrap", options_.bootstrap.replicates, "Bootstrap replicates")
        ->capture_default_str()
        ->check(CLI::Range(50, 1000000));
    app.add_option("--seed", options_.bootstrap.seed, "Bootstrap seed")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--gallery", options_.galleryPerKind,
                   "Most confident false positives and false negatives shown (each)")
        ->capture_default_str();
    app.add_option("--sanity-samples", options_.sanitySamples,
                   "Images for the explanation sanity checks (0 = skip)")
        ->capture_default_str();
    app.add_flag("--recalibrate", options_.recalibrate,
                 "Also show what refitting the temperature on this data would change "
                 "(cross-fitted)");
    app.add_flag("--no-pdf", noPdf_, "Skip the PDF");
    app.add_option("--pdf-timeout", pdfTimeout_, "Seconds allowed for printing the PDF")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600));
  }
  int run(const CommandContext& context) override {
    ReportAssets::require();  // before any long computation
    {
      std::error_code ec;
      if (std::filesystem::exists(out_, ec) && !std::filesystem::is_directory(out_, ec)) {
        throw Error(ErrorCode::InvalidArgument,
                    "--out " + out_ +
                        " is a file; the report needs a folder (report.html, .pdf, "
                        ".json)");
      }
    }
    std::vector<ImageClassifier> classifiers;
    classifiers.push_back(ImageClassifier::load(model_, context.threads));
    if (!compare_.empty()) {
      classifiers.push_back(ImageClassifier::load(compare_, context.threads));
      if (classifiers[1].manifest().labels != classifiers[0].manifest().labels) {
        throw Error(ErrorCode::LabelMismatch, compare_ + ": labels differ from " + model_ +
                                                  "'s; a paired comparison needs the same task");
      }
    }
    const auto& first = classifiers.front().manifest();
    if (first.task != "binary" || first.labels.size() != 2) {
      throw Error(ErrorCode::ModelInvalid, model_ + ": validation reports support binary models");
    }
    const auto fingerprints = TrainingImageFingerprints::read(classifiers.front().folder(), first);
    const ValidationDataset data =
        ValidationDataset::load(data_, split_, imageColumn_, labelColumn_, first, context.threads,
                                fingerprints ? &*fingerprints : nullptr);
    std::error_code ec;
    std::filesystem::create_directories(out_, ec);
    if (ec) throw Error(ErrorCode::FileWriteFailed, out_ + ": " + ec.message());
    options_.outputFolder = out_;

    ValidationReport report = ValidationReport::forDataset(data, first.labels);
    report.commandLine = context.commandLine;
    report.bootstrap = options_.bootstrap;
    for (std::size_t i = 0; i < classifiers.size(); ++i) {
      report.models.push_back(ModelValidation::run(classifiers[i], data, options_,
                                                   slugOf(classifiers[i].manifest(), i)));
    }
    if (report.models.size() == 2) {
      report.comparison = PairedAucComparison::compute(report.models[0].probabilities,
                                                       report.models[1].probabilities,
                                                       data.set.labels, options_.bootstrap);
    }
    const std::filesystem::path out(out_);
    AtomicFile::write(out / "report.json",
                      report.toJson().dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    AtomicFile::write(out / "report.html", report.html());
    PdfResult pdf;
    if (!noPdf_) pdf = PdfPrinter::print(out / "report.html", out / "report.pdf", pdfTimeout_);
    // A PDF of an earlier run beside this run's HTML and JSON would be read as this run's.
    if (!pdf.written && std::filesystem::exists(out / "report.pdf", ec)) {
      std::filesystem::remove(out / "report.pdf", ec);
      pdf.message += std::string(pdf.message.empty() ? "" : "; ") +
                     "the report.pdf of an earlier run in this folder was removed";
      std::fprintf(stderr, "warning: removed %s: it described an earlier run\n",
                   (out / "report.pdf").string().c_str());
    }

    const auto& m = report.models.front();
    json summary{{"html", (out / "report.html").string()},
                 {"json", (out / "report.json").string()},
                 {"pdf", pdf.written ? json((out / "report.pdf").string()) : json()},
                 {"pdf_note", pdf.message},
                 {"data", data.toJson()},
                 {"auc", m.evaluation.metrics.at("auc").value},
                 {"sensitivity", m.evaluation.metrics.at("sensitivity").value},
                 {"specificity", m.evaluation.metrics.at("specificity").value},
                 {"ece", m.calibration.expectedCalibrationError}};
    if (report.comparison) summary["comparison"] = report.comparison->toJson();
    if (context.json) {
      std::cout << summary.dump(2) << '\n';
      return 0;
    }
    std::printf("%s on %s (%zu images): %s\n", (m.manifest.name + " " + m.manifest.version).c_str(),
                data.set.source.c_str(), data.set.size(), data.roleTitle.c_str());
    for (const auto& v : report.models) {
      const auto& e = v.evaluation.metrics;
      std::printf("  %-24s AUC %.4f [%.4f, %.4f]  sens %.3f  spec %.3f  ECE %.4f\n",
                  (v.manifest.name + " " + v.manifest.version).c_str(), e.at("auc").value,
                  e.at("auc").lower, e.at("auc").upper, e.at("sensitivity").value,
                  e.at("specificity").value, v.calibration.expectedCalibrationError);
    }
    if (report.comparison) {
      std::printf("  AUC difference %.4f [%.4f, %.4f], DeLong p = %.4g\n",
                  report.comparison->difference.value, report.comparison->difference.lower,
                  report.comparison->difference.upper, report.comparison->delongP);
    }
    std::printf("wrote %s\n", (out / "report.html").string().c_str());
    if (pdf.written) {
      std::printf("wrote %s (%s)%s\n", (out / "report.pdf").string().c_str(), pdf.tool.c_str(),
                  pdf.message.empty() ? "" : ("; " + pdf.message).c_str());
    } else if (!noPdf_) {
      std::printf("no PDF: %s\n", pdf.message.c_str());
    }
    return 0;
  }

 private:
  std::string model_, compare_, data_, split_, out_, imageColumn_ = "image", labelColumn_;
  ValidationOptions options_;
  bool noPdf_ = false;
  int pdfTimeout_ = 180;
};

class ExplainSanityCommand : public Command {
 public:
  std::string name() const override { return "explain-sanity"; }
  std::string summary() const override {
    return "Sanity checks of a model's explanations: cascading parameter randomisation (rank "
           "correlations) and deletion/insertion curves";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("--data", data_, "npz archive (MedMNIST splits) or labels CSV")->required();
    app.add_option("--split", split_, "npz split (default: test if present, else val)");
    app.add_option("--image-column", imageColumn_, "CSV column with image paths")
        ->capture_default_str();
    app.add_option("--label-column", labelColumn_, "CSV column with labels");
    app.add_option("--samples", samples_, "Images checked (stratified sample)")
        ->capture_default_str();
    app.add_option("--method", methods_, "gradcam, occlusion, ig or all")->capture_default_str();
    app.add_option("--curve-steps", options_.curveSteps, "Points of the deletion/insertion curves")
        ->capture_default_str()
        ->check(CLI::Range(2, 1000));
    app.add_option("--stages", options_.maxStages, "Cascade stages (0 = all blocks)")
        ->capture_default_str();
    app.add_option("--seed", options_.seed, "Seed (sample, randomisation, tie order)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
  }
  int run(const CommandContext& context) override {
    options_.methods = parseMethods(methods_);
    const ImageClassifier classifier = ImageClassifier::load(model_, context.threads);
    const ValidationDataset data = ValidationDataset::load(
        data_, split_, imageColumn_, labelColumn_, classifier.manifest(), context.threads);
    std::vector<std::size_t> idx(data.set.size());
    std::iota(idx.begin(), idx.end(), 0);
    if (samples_ < data.set.size()) {
      idx = StratifiedSplitter::split(
                data.set.labels, static_cast<double>(samples_) / data.set.size(), options_.seed)
                .second;
      std::sort(idx.begin(), idx.end());
    }
    std::vector<Image> images;
    for (auto i : idx) images.push_back(data.set.images[i]);
    const SanityCheckReport report = ExplanationSanityCheck::run(classifier, images, options_);
    if (context.json) {
      json j = report.toJson();
      j["data"] = data.toJson();
      std::cout << j.dump(2) << '\n';
    } else {
      std::cout << report.toText() << "data: " << data.set.source << " (" << data.roleTitle
                << ")\n";
    }
    return 0;
  }

 private:
  std::string model_, data_, split_, imageColumn_ = "image", labelColumn_;
  std::vector<std::string> methods_{"all"};
  std::size_t samples_ = 32;
  SanityCheckOptions options_;
};

}  // namespace

/// \brief Registers the report module's commands (validate, explain-sanity).
void registerReportCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<ValidateCommand>());
  registry.add(std::make_unique<ExplainSanityCommand>());
}

}  // namespace medsight
