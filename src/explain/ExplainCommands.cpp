// `medsight explain`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "explain/ExplanationWriter.h"
#include "explain/ImageExplainer.h"
#include "io/ImageFileReader.h"
#include "models/ImageClassifier.h"

namespace medsight {
namespace {

using nlohmann::json;

/// File-name stem for an input ("scan.dcm" -> "scan", "set.npz#3" -> "set-3").
std::string stemOf(const std::string& file, std::optional<std::size_t> index) {
  std::filesystem::path p(file);
  std::string stem = p.filename().string();
  for (const char* ext : {".nii.gz", ".dcm", ".nii", ".png", ".jpg", ".jpeg", ".npz", ".npy"}) {
    const std::string e(ext);
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  if (stem.empty()) stem = "image";
  if (index) stem += "-" + std::to_string(*index);
  return stem;
}

class ExplainCommand : public Command {
 public:
  std::string name() const override { return "explain"; }
  std::string summary() const override {
    return "Explain a model's prediction: Grad-CAM, occlusion or integrated-gradients heatmap "
           "(NIfTI), PNG overlay and a DICOM Secondary Capture for DICOM inputs";
  }
  void configure(CLI::App& app) override {
    app.add_option("--model", model_, "Model package folder")->required();
    app.add_option("files", files_, "Image files (DICOM, PNG, JPEG, NIfTI, npz)")->required();
    app.add_option("--method", methods_, "gradcam, occlusion, ig or all (repeatable)")
        ->capture_default_str();
    app.add_option("--out", out_, "Output folder")->capture_default_str();
    app.add_option("--target", target_, "Label to explain (default: the predicted label)");
    app.add_option("--layer", layer_, "Grad-CAM layer (default: the manifest's)");
    app.add_option("--steps", options_.integratedGradientSteps, "Integrated-gradients steps")
        ->capture_default_str();
    app.add_option("--patch", options_.occlusionPatch, "Occlusion patch in model pixels (0 = auto)")
        ->capture_default_str()
        ->check(CLI::Range(0, 4096));
    app.add_option("--stride", options_.occlusionStride, "Occlusion stride (0 = half the patch)")
        ->capture_default_str()
        ->check(CLI::Range(0, 4096));
    app.add_option("--array", array_, "npz array (default *_images)");
    app.add_option("--index", indices_, "npz image indices (default 0)");
    app.add_flag("--no-dicom", noDicom_, "Do not write the DICOM Secondary Capture");
  }
  int run(const CommandContext& context) override {
    std::vector<ExplanationMethod> methods;
    for (const auto& m : methods_) {
      if (m == "all") {
        methods = {ExplanationMethod::GradCam, ExplanationMethod::Occlusion,
                   ExplanationMethod::IntegratedGradients};
        break;
      }
      methods.push_back(parseExplanationMethod(m));
    }
    const ImageClassifier classifier = ImageClassifier::load(model_, context.threads);
    const ImageExplainer explainer(classifier);
    ExplanationOptions options = options_;
    options.target = target_;
    options.layer = layer_;
    if (!target_.empty()) explainer.labelIndex(target_);  // fail before any work
    struct Input {
      std::string name, stem;
      Image image;
    };
    std::vector<Input> inputs;
    for (const auto& f : files_) {
      if (detectImageFileFormat(f) == ImageFileFormat::Npz) {
        const std::vector<std::size_t> idx =
            indices_.empty() ? std::vector<std::size_t>{0} : indices_;
        for (auto i : idx) {
          inputs.push_back({f + "#" + std::to_string(i), stemOf(f, i),
                            ImageFileReader::read(f, {array_, i, context.threads})});
        }
      } else {
        inputs.push_back(
            {f, stemOf(f, std::nullopt), ImageFileReader::read(f, {"", 0, context.threads})});
      }
    }
    // Inputs of one name from different folders ("a/img.jpg", "b/img.jpg") get their own files:
    // the second and later ones are numbered instead of writing over the first's.
    std::map<std::string, int> seen;
    for (auto& in : inputs) {
      const int n = ++seen[in.stem];
      if (n > 1) in.stem += "-" + std::to_string(n);
    }
    // No output may be one of the inputs (an earlier overlay given back as an input). Checked
    // only when the folder exists: a new folder holds no input.
    if (std::error_code ec; std::filesystem::is_directory(out_, ec)) {
      OutputFileSet planned;
      for (const auto& f : files_) planned.addInput(f, "input " + f);
      for (const auto& in : inputs) {
        for (const auto method : methods) {
          const std::string base = in.stem + "." + explanationMethodName(method);
          planned.addFile(std::filesystem::path(out_) / (base + ".heatmap.nii.gz"), {}, "--out");
          planned.addFile(std::filesystem::path(out_) / (base + ".overlay.png"), {}, "--out");
        }
      }
    }
    // Check every input before writing anything.
    for (const auto& in : inputs) classifier.checkAccepts(in.image, in.name);
    json results = json::array();
    for (const auto& in : inputs) {
      for (const auto method : methods) {
        options.method = method;
        const Explanation e = explainer.explain(in.image, options);
        const ExplanationFiles files =
            ExplanationWriter::write(in.image, e, classifier.manifest(), out_, in.stem, !noDicom_);
        json r = e.toJson();
        r["input"] = in.name;
        r["files"] = files.toJson();
        results.push_back(r);
        if (!context.json) {
          std::printf("%s\t%s\tpredicted %s (p=%.3f)\texplaining %s\t-> %s%s\n", in.name.c_str(),
                      explanationMethodName(method).c_str(), e.predictedLabel.c_str(),
                      e.positiveProbability, e.targetLabel.c_str(), files.overlay.string().c_str(),
                      files.dicomFolder.empty() ? "" : (", " + files.dicomFolder.string()).c_str());
        }
      }
    }
    if (context.json) {
      const auto& m = classifier.manifest();
      std::cout
          << json{{"model",
                   {{"name", m.name}, {"version", m.version}, {"weights_sha256", m.weightsHash()}}},
                  {"explanations", results}}
                 .dump(2)
          << '\n';
    }
    return 0;
  }

 private:
  std::string model_, out_ = "explanations", target_, layer_, array_;
  std::vector<std::string> files_, methods_{"gradcam"};
  std::vector<std::size_t> indices_;
  ExplanationOptions options_;
  bool noDicom_ = false;
};

}  // namespace

/// \brief Registers the explain module's commands (explain).
void registerExplainCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<ExplainCommand>());
}

}  // namespace medsight
