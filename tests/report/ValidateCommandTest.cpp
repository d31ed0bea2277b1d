// `medsight validate` and `medsight explain-sanity` end to end on the synthetic model: the
// numbers in the report are recomputed here by hand from the model's own predictions.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "SyntheticBlobModel.h"
#include "core/Error.h"
#include "io/NpzWriter.h"
#include "io/RasterImageIO.h"
#include "models/ImageClassifier.h"
#include "models/LabeledImageSet.h"
#include "support/TestData.h"

namespace medsight {
namespace {

int run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
  return test::runCommand(test::medsightExecutable().string() + " -q " + args, out, err);
}

int exitCodeOf(ErrorCode code) {
  return Error(code, "").exitCode();
}

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// AUC by comparing every positive with every negative (ties count one half).
double pairwiseAuc(const std::vector<double>& p, const std::vector<int>& y) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (y[i] != 1) continue;
    for (std::size_t j = 0; j < p.size(); ++j) {
      if (y[j] != 0) continue;
      wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
      pairs += 1;
    }
  }
  return wins / pairs;
}

}  // namespace

TEST(ValidateCommand, ReportFiguresMatchHandComputedValues) {
  const auto& blob = test::trainedBlobModel();
  const auto out = test::temporaryDirectory("validate") / "report";
  std::string stdoutText, err;
  ASSERT_EQ(run("validate --model " + blob.folder.string() + " --data " + blob.data.npz.string() +
                    " --split val --out " + out.string() +
                    " --no-pdf --bootstrap 200 --recalibrate --gallery 3",
                &stdoutText, &err),
            0)
      << err;
  const auto report = nlohmann::json::parse(std::ifstream(out / "report.json"));
  const auto& m = report["models"][0];

  // Recompute from the model's own predictions.
  const auto classifier = ImageClassifier::load(blob.folder, 2);
  const auto val = LabeledImageSet::fromNpz(blob.data.npz, "val");
  std::vector<double> p;
  for (const auto& pr : classifier.predict(val.images)) p.push_back(pr.probability);
  const double t = classifier.manifest().threshold;
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const bool called = p[i] >= t;
    if (val.labels[i] == 1)
      (called ? tp : fn)++;
    else
      (called ? fp : tn)++;
  }
  const auto& e = m["evaluation"];
  EXPECT_EQ(e["confusion"]["tp"], tp);
  EXPECT_EQ(e["confusion"]["fp"], fp);
  EXPECT_EQ(e["confusion"]["tn"], tn);
  EXPECT_EQ(e["confusion"]["fn"], fn);
  EXPECT_NEAR(e["metrics"]["auc"]["value"].get<double>(), pairwiseAuc(p, val.labels), 1e-12);
  EXPECT_NEAR(e["metrics"]["sensitivity"]["value"].get<double>(),
              static_cast<double>(tp) / static_cast<double>(tp + fn), 1e-12);
  EXPECT_NEAR(e["metrics"]["specificity"]["value"].get<double>(),
              static_cast<double>(tn) / static_cast<double>(tn + fp), 1e-12);
  if (tp + fp > 0) {
    EXPECT_NEAR(e["metrics"]["ppv"]["value"].get<double>(),
                static_cast<double>(tp) / static_cast<double>(tp + fp), 1e-12);
  }
  const auto& auc = e["metrics"]["auc"];
  EXPECT_LE(auc["ci_lower"].get<double>(), auc["value"].get<double>());
  EXPECT_GE(auc["ci_upper"].get<double>(), auc["value"].get<double>());
  // ECE with 10 equal-width bins, by hand.
  double ece = 0;
  for (int b = 0; b < 10; ++b) {
    double sp = 0, sy = 0, n = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::min(static_cast<int>(p[i] * 10), 9) != b) continue;
      sp += p[i];
      sy += val.labels[i];
      n += 1;
    }
    if (n > 0) ece += n / static_cast<double>(p.size()) * std::abs(sp / n - sy / n);
  }
  EXPECT_NEAR(m["calibration"]["ece"].get<double>(), ece, 1e-12);
  EXPECT_TRUE(m.contains("recalibration"));
  // The val split of the training npz is the model-selection split, and the page says so.
  EXPECT_EQ(report["data"]["role"], "model-selection");
  EXPECT_EQ(report["data"]["sha256"], val.contentHash());
  const std::string html = readText(out / "report.html");
  EXPECT_NE(html.find("Validation split used for model selection"), std::string::npos);
  EXPECT_NE(html.find("TN " + std::to_string(tn)), std::string::npos);
  EXPECT_NE(html.find("FN " + std::to_string(fn)), std::string::npos);
  EXPECT_NE(html.find(val.contentHash()), std::string::npos);
  EXPECT_NE(html.find("data-element=\"threshold-table\""), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos) << "report must not load anything";
  // Gallery: errors only, most confident first.
  const auto& gallery = m["gallery"];
  for (const auto& g : gallery) {
    const bool fpItem = g["kind"] == "false positive";
    EXPECT_EQ(g["label"].get<int>(), fpItem ? 0 : 1);
    EXPECT_EQ(g["probability"].get<double>() >= t, fpItem);
    EXPECT_TRUE(std::filesystem::exists(out / "gallery" / g["overlay"].get<std::string>()));
  }
}

TEST(ValidateCommand, ComparesTwoModelsWithAPairedTest) {
  const auto& blob = test::trainedBlobModel();
  const auto other = test::untrainedBlobPackage();
  const auto out = test::temporaryDirectory("compare") / "report";
  std::string stdoutText, err;
  ASSERT_EQ(run("--json validate --model " + blob.folder.string() + " --compare " + other.string() +
                    " --data " + blob.data.npz.string() + " --split val --out " + out.string() +
                    " --no-pdf --bootstrap 200 --gallery 1",
                &stdoutText, &err),
            0)
      << err;
  const auto report = nlohmann::json::parse(std::ifstream(out / "report.json"));
  ASSERT_EQ(report["models"].size(), 2u);
  const double a = report["models"][0]["evaluation"]["metrics"]["auc"]["value"];
  const double b = report["models"][1]["evaluation"]["metrics"]["auc"]["value"];
  const auto& c = report["comparison"];
  EXPECT_NEAR(c["difference_b_minus_a"]["value"].get<double>(), b - a, 1e-12);
  EXPECT_GE(c["delong_p"].get<double>(), 0.0);
  EXPECT_LE(c["delong_p"].get<double>(), 1.0);
  // A trained detector against random weights: the difference is large and significant.
  EXPECT_LT(c["delong_p"].get<double>(), 0.01);
  EXPECT_NE(readText(out / "report.html").find("DeLong"), std::string::npos);
}

TEST(ValidateCommand, ShowsSubgroupsOfALabelsCsv) {
  const auto dir = test::temporaryDirectory("validate-csv");
  const auto model = test::untrainedBlobPackage();
  const auto blob = test::writeBlobDataset(dir / "blob.npz", 2, 24, 4);
  const auto val = LabeledImageSet::fromNpz(blob.npz, "val");
  std::ofstream csv(dir / "labels.csv");
  // With the byte-order mark a spreadsheet's "CSV UTF-8" export starts with.
  csv << "\xEF\xBB\xBFimage,label,sex,patient\n";
  for (std::size_t i = 0; i < val.size(); ++i) {
    const std::string name = "img" + std::to_string(i) + ".png";
    RasterImageIO::writePng(val.images[i], dir / name);
    csv << name << "," << val.labels[i] << "," << (i % 3 == 0 ? "F" : "M") << ",P" << i << "\n";
  }
  csv.close();
  ASSERT_EQ(run("validate --model " + model.string() + " --data " + (dir / "labels.csv").string() +
                " --out " + (dir / "out").string() + " --no-pdf --bootstrap 100"),
            0);
  const auto report = nlohmann::json::parse(std::ifstream(dir / "out" / "report.json"));
  const auto& m = report["models"][0];
  EXPECT_EQ(m["subgroup_columns"], nlohmann::json::array({"sex"}));
  ASSERT_EQ(m["subgroups"].size(), 2u);
  EXPECT_EQ(m["subgroups"][0]["value"], "F");
  EXPECT_EQ(m["subgroups"][0]["samples"].get<std::size_t>(), 8u);
  EXPECT_EQ(m["subgroups"][1]["samples"].get<std::size_t>(), 16u);
}

TEST(ValidateCommand, RejectsDataThatDoesNotFitTheModel) {
  const auto model = test::untrainedBlobPackage();
  const auto dir = test::temporaryDirectory("validate-bad");
  const auto out = dir / "out";
  auto writeNpz = [&](const std::string& name, std::vector<std::int64_t> labels) {
    NpzWriter w(dir / name);
    std::vector<std::uint8_t> pixels(labels.size() * 28 * 28, 100);
    w.add("val_images", "|u1", {labels.size(), 28, 28}, std::as_bytes(std::span(pixels)));
    w.addInt64("val_labels", {labels.size(), 1}, labels);
    w.close();
    return (dir / name).string();
  };
  std::string err;
  // A label outside the model's label set (a three-class data set).
  EXPECT_EQ(run("validate --model " + model.string() + " --data " +
                    writeNpz("three.npz", {0, 1, 2}) + " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::LabelMismatch));
  // Only one label present: no ROC curve, no specificity.
  EXPECT_EQ(run("validate --model " + model.string() + " --data " + writeNpz("one.npz", {1, 1, 1}) +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::LabelMismatch));
  EXPECT_NE(err.find("absent"), std::string::npos) << err;
  // An empty split.
  EXPECT_EQ(run("validate --model " + model.string() + " --data " + writeNpz("empty.npz", {}) +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::EmptyInput))
      << err;
  // A split that does not exist.
  EXPECT_EQ(run("validate --model " + model.string() + " --data " + (dir / "three.npz").string() +
                    " --split test --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::NotFound));
  EXPECT_NE(err.find("test"), std::string::npos) << err;
  // A binary file named .csv is not read as a table whose column names are raw bytes. (A ZIP
  // archive is recognised by its signature and read as an npz.)
  std::ofstream(dir / "archive.csv", std::ios::binary)
      << std::string("\xd3\x9a\x03\x00\x11image,label\n", 17);
  EXPECT_EQ(run("validate --model " + model.string() + " --data " + (dir / "archive.csv").string() +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::CorruptData));
  EXPECT_NE(err.find("archive.csv:1: byte 3 is 0x03"), std::string::npos) << err;
  // Missing data file and a model that is not a package.
  EXPECT_EQ(run("validate --model " + model.string() + " --data " + (dir / "nope.npz").string() +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::FileNotFound));
  EXPECT_EQ(run("validate --model " + dir.string() + " --data " + (dir / "three.npz").string() +
                    " --out " + out.string(),
                nullptr, &err),
            exitCodeOf(ErrorCode::ModelInvalid));
  EXPECT_FALSE(std::filesystem::exists(out)) << "a rejected validation must not write a report";
}

// A renamed copy of the training data is still recognised as such, by the SHA-256 the manifest
// records of its training and validation splits; a file that is not it is independent.
TEST(ValidateCommand, ARenamedCopyOfTheTrainingDataIsNotCalledIndependent) {
  const auto& blob = test::trainedBlobModel();
  const auto dir = test::temporaryDirectory("validate-renamed");
  std::filesystem::copy_file(blob.data.npz, dir / "renamed.npz");
  std::string out, err;
  for (const auto& [split, role] : {std::pair{"train", "training"}, {"val", "model-selection"}}) {
    ASSERT_EQ(run(std::string("--json validate --model ") + blob.folder.string() + " --data " +
                      (dir / "renamed.npz").string() + " --split " + split + " --out " +
                      (dir / split).string() + " --no-pdf --bootstrap 50",
                  &out, &err),
              0)
        << err;
    EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir / split / "report.json"))["data"]["role"],
              role)
        << split;
  }
  const auto other = test::writeBlobDataset(dir / "other.npz", 12, 12, 99).npz;
  // A PDF left from an earlier run would be read as this run's: it is removed when none is made.
  std::filesystem::create_directories(dir / "o");
  std::ofstream(dir / "o" / "report.pdf") << "%PDF an earlier run";
  ASSERT_EQ(run("--json validate --model " + blob.folder.string() + " --data " + other.string() +
                    " --split train --out " + (dir / "o").string() + " --no-pdf --bootstrap 50",
                &out, &err),
            0)
      << err;
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir / "o" / "report.json"))["data"]["role"],
            "independent");
  EXPECT_FALSE(std::filesystem::exists(dir / "o" / "report.pdf"));
  EXPECT_NE(err.find("described an earlier run"), std::string::npos) << err;
  // New images under the training file's own name: the images decide, not the name.
  std::filesystem::create_directories(dir / "same-name");
  const auto sameName =
      test::writeBlobDataset(dir / "same-name" / blob.data.npz.filename(), 12, 12, 98).npz;
  ASSERT_EQ(run("--json validate --model " + blob.folder.string() + " --data " + sameName.string() +
                    " --split val --out " + (dir / "s").string() + " --no-pdf --bootstrap 50",
                &out, &err),
            0)
      << err;
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir / "s" / "report.json"))["data"]["role"],
            "independent");
}

// A new labels CSV is neither the training file nor its hash; only the package's record of every
// training image tells that it repeats some of them.
TEST(ValidateCommand, ALabelsCsvRepeatingTrainingImagesIsFoundImageByImage) {
  const auto& blob = test::trainedBlobModel();
  ASSERT_TRUE(std::filesystem::exists(blob.folder / "training_images.txt"));
  const auto dir = test::temporaryDirectory("validate-overlap");
  const auto train = LabeledImageSet::fromNpz(blob.data.npz, "train");
  const auto other =
      LabeledImageSet::fromNpz(test::writeBlobDataset(dir / "o.npz", 8, 8, 77).npz, "train");
  auto writeCsv = [&](const std::string& name, std::size_t fromTraining, std::size_t fromOther) {
    std::ofstream csv(dir / name);
    csv << "image,label\n";
    for (std::size_t i = 0; i < fromTraining + fromOther; ++i) {
      const bool seen = i < fromTraining;
      const auto& set = seen ? train : other;
      const std::size_t k = seen ? i : i - fromTraining;
      const std::string png = name + std::to_string(i) + ".png";
      RasterImageIO::writePng(set.images[k], dir / png);
      csv << png << "," << set.labels[k] << "\n";
    }
    return (dir / name).string();
  };
  std::string out, err;
  struct Case {
    std::string name;
    std::size_t seen, unseen;
    std::string role;
  };
  for (const Case& c : {Case{"mixed.csv", 5, 8, "overlapping"}, Case{"seen.csv", 6, 0, "training"},
                        Case{"new.csv", 0, 8, "independent"}}) {
    const auto csv = writeCsv(c.name, c.seen, c.unseen);
    ASSERT_EQ(run("--json validate --model " + blob.folder.string() + " --data " + csv + " --out " +
                      (dir / ("out-" + c.name)).string() + " --no-pdf --bootstrap 50",
                  &out, &err),
              0)
        << err;
    const auto data =
        nlohmann::json::parse(std::ifstream(dir / ("out-" + c.name) / "report.json"))["data"];
    EXPECT_EQ(data["role"], c.role) << c.name;
    EXPECT_EQ(data["overlap"]["fitted"].get<std::size_t>(), c.seen) << c.name;
    EXPECT_EQ(data["overlap"]["fitted_ids"].size(), c.seen) << c.name;
  }
  EXPECT_NE(readText(dir / "out-mixed.csv" / "report.html").find("5 of 13 images"),
            std::string::npos);
}

// Packages trained before the fingerprints were recorded get them from their training data,
// which must be exactly what the manifest's hash says.
TEST(ModelFingerprintCommand, RecordsTheTrainingImagesOfAnOlderPackage) {
  const auto& blob = test::trainedBlobModel();
  const auto dir = test::temporaryDirectory("fingerprint");
  const auto package = dir / "package";
  std::filesystem::copy(blob.folder, package, std::filesystem::copy_options::recursive);
  const std::string original = readText(package / "training_images.txt");
  auto manifest = nlohmann::json::parse(std::ifstream(package / "manifest.json"));
  manifest["training"].erase("image_fingerprints");
  std::ofstream(package / "manifest.json") << manifest.dump(2);
  std::filesystem::remove(package / "training_images.txt");
  std::string out, err;
  // Not the training data: refused, nothing recorded.
  const auto other = test::writeBlobDataset(dir / "other.npz", 12, 12, 99).npz;
  EXPECT_EQ(run("model-fingerprint --model " + package.string() + " --data " + other.string(), &out,
                &err),
            exitCodeOf(ErrorCode::IntegrityViolation));
  EXPECT_NE(err.find("not the data this model was trained on"), std::string::npos) << err;
  EXPECT_EQ(
      run("model-fingerprint --model " + package.string() + " --data " + dir.string(), &out, &err),
      exitCodeOf(ErrorCode::InvalidArgument));
  EXPECT_NE(err.find("is a folder"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(package / "training_images.txt"));
  ASSERT_EQ(
      run("model-fingerprint --model " + package.string() + " --data " + blob.data.npz.string(),
          &out, &err),
      0)
      << err;
  EXPECT_EQ(readText(package / "training_images.txt"), original);
  EXPECT_NE(out.find("fitted"), std::string::npos) << out;
  // The package still loads, and a tampered fingerprint file is refused by validate.
  EXPECT_NO_THROW(ImageClassifier::load(package));
  {
    // Counts the manifest states that the file does not hold (the file re-hashed after an edit).
    const auto copy = dir / "counts";
    std::filesystem::copy(package, copy, std::filesystem::copy_options::recursive);
    auto m = nlohmann::json::parse(std::ifstream(copy / "manifest.json"));
    m["training"]["image_fingerprints"]["fitted"] = 3;
    std::ofstream(copy / "manifest.json") << m.dump(2);
    EXPECT_EQ(run("validate --model " + copy.string() + " --data " + blob.data.npz.string() +
                      " --split val --out " + (dir / "vc").string() + " --no-pdf",
                  &out, &err),
              exitCodeOf(ErrorCode::ModelInvalid))
        << err;
    EXPECT_NE(err.find("the manifest says 3"), std::string::npos) << err;
  }
  std::ofstream(package / "training_images.txt", std::ios::app) << "fit 0123456789abcdef\n";
  EXPECT_EQ(run("validate --model " + package.string() + " --data " + blob.data.npz.string() +
                    " --split val --out " + (dir / "v").string() + " --no-pdf",
                &out, &err),
            exitCodeOf(ErrorCode::ModelTampered))
      << err;
}

TEST(ExplainSanityCommand, PrintsRandomisationAndDeletionFigures) {
  const auto& blob = test::trainedBlobModel();
  std::string out, err;
  ASSERT_EQ(run("--json explain-sanity --model " + blob.folder.string() + " --data " +
                    blob.data.npz.string() +
                    " --split val --samples 8 --method gradcam "
                    "--curve-steps 10",
                &out, &err),
            0)
      << err;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["images"], 8);
  ASSERT_EQ(j["methods"].size(), 1u);
  const auto& g = j["methods"][0];
  EXPECT_EQ(g["method"], "gradcam");
  EXPECT_GE(g["randomisation_cascade"].size(), 10u);
  EXPECT_EQ(g["randomisation_cascade"][0]["block"], "fc");
  EXPECT_TRUE(g["deletion_auc"].is_number());
  EXPECT_EQ(j["data"]["role"], "model-selection");
}

}  // namespace medsight
