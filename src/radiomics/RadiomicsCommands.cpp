// `medsight radiomics IMAGE MASK`: IBSI-1 features of an image and its ROI mask.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/AtomicFile.h"
#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/OutputFileSet.h"
#include "io/ImageFileReader.h"
#include "radiomics/RadiomicsExtractor.h"
#include "radiomics/WideFeatureTable.h"

namespace medsight {
namespace {

/// The --table is rewritten in place after the features are computed (AtomicFile, in its
/// folder): a folder that cannot take it is named before the work, not after.
void requireWritableTable(const std::filesystem::path& table) {
  // A folder given as the table exists in an existing folder: named before the folder checks.
  if (std::error_code ec; std::filesystem::is_directory(table, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                "--table " + table.string() + ": is a folder; give a CSV file name");
  }
  OutputFileSet::requireWritableFolder(table, "--table");
}

class RadiomicsCommand : public Command {
 public:
  std::string name() const override { return "radiomics"; }
  std::string summary() const override {
    return "IBSI-1 radiomic features of an image and its ROI mask (CSV or JSON)";
  }
  void configure(CLI::App& app) override {
    app.add_option("IMAGE", image_, "Image: NIfTI, DICOM file or DICOM series folder")->required();
    app.add_option("MASK", mask_, "ROI mask on the image grid (non-zero voxels = ROI)")->required();
    auto* config = app.add_option("--config", config_, "Radiomics configuration (JSON)");
    app.add_option("--ibsi-config", ibsi_,
                   "IBSI-1 CT phantom configuration A, B, C, D or E (IBSI chapter 5)")
        ->check(CLI::IsMember({"A", "B", "C", "D", "E"}))
        ->excludes(config);
    app.add_option("--out", out_, "Write the features as CSV (one feature per row)");
    app.add_option("--table", table_,
                   "Insert the features as one row (ID --id) of a wide CSV table");
    app.add_option("--id", id_, "Case ID of the --table row");
    app.add_option("--label", label_, "Mask value of the ROI (default: any non-zero voxel)");
    app.add_option("--families", families_,
                   "Only these families (morphology, local_intensity, intensity_statistics, "
                   "intensity_histogram, intensity_volume_histogram, glcm, glrlm, glszm, gldzm, "
                   "ngtdm, ngldm)")
        ->delimiter(',');
    app.add_flag("--print-config", printConfig_, "Print the effective configuration and exit");
  }

  int run(const CommandContext& context) override {
    RadiomicsSettings settings;
    if (!config_.empty()) {
      settings = RadiomicsSettings::fromFile(config_);
    } else if (!ibsi_.empty()) {
      settings = RadiomicsSettings::ibsiConfiguration(ibsi_[0]);
    } else {
      settings.label = "default (no interpolation, FBN 32, 3D)";
    }
    if (label_) settings.maskLabel = *label_;
    for (const auto& f : families_) {
      if (!RadiomicsSettings::allFamilies().count(f)) {
        throw Error(ErrorCode::InvalidArgument, "--families: unknown family '" + f + "'");
      }
      settings.families.insert(f);
    }
    if (printConfig_) {
      std::cout << settings.toJson() << '\n';
      return 0;
    }
    if (!table_.empty() && id_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "--table needs --id (the case ID of the row)");
    }
    // --out is checked before any work, and may not be the image, mask or --table it reads.
    OutputFileSet outputs;
    outputs.addInput(image_, "image");
    outputs.addInput(mask_, "mask");
    outputs.addInput(table_, "--table");
    outputs.addInput(config_, "--config");
    const auto stagedOut =
        out_.empty() ? std::filesystem::path() : outputs.addFile(out_, {}, "--out");
    if (!table_.empty()) requireWritableTable(table_);
    const auto start = std::chrono::steady_clock::now();
    ImageReadOptions options;
    options.threads = context.threads;
    const Image image = ImageFileReader::read(image_, options);
    const Image mask = ImageFileReader::read(mask_, options);
    const RadiomicsExtractor extractor(settings);
    const RadiomicsResult result = extractor.extract(image, mask, image_, mask_);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (!out_.empty()) {
      AtomicFile::write(stagedOut, result.features.toCsv());
      outputs.commit();
    }
    if (!table_.empty()) WideFeatureTable::upsert(table_, id_, result.features);
    if (context.json) {
      nlohmann::json j{{"image", image_},
                       {"mask", mask_},
                       {"configuration", nlohmann::json::parse(settings.toJson())},
                       {"diagnostics", result.diagnostics},
                       {"feature_count", result.features.size()},
                       {"seconds", seconds},
                       {"features", nlohmann::json::parse(result.features.toJson(-1))}};
      std::cout << j.dump(2) << '\n';
    } else if (out_.empty() && table_.empty()) {
      std::cout << result.features.toCsv();
    } else {
      std::printf("%zu features of %s in %.2f s%s%s\n", result.features.size(), image_.c_str(),
                  seconds, out_.empty() ? "" : (" -> " + out_).c_str(),
                  table_.empty() ? "" : (" -> " + table_ + " [" + id_ + "]").c_str());
    }
    return 0;
  }

 private:
  std::string image_, mask_, config_, ibsi_, out_, table_, id_;
  std::optional<double> label_;
  std::vector<std::string> families_;
  bool printConfig_ = false;
};

}  // namespace

/// \brief Registers `medsight radiomics`.
void registerRadiomicsCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<RadiomicsCommand>());
}

}  // namespace medsight
