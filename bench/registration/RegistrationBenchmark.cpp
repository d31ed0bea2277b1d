// GTV Dice, run time and peak memory of registration (MR T1 -> CT and PET -> CT) for every
// patient of the sarcoma cohort: MedSight's ImageRegistration against elastix (Debian package)
// with comparable parameter files, on the same pairs, in one run. Rigid by default; the
// settings' transform (affine, bspline) selects the stages both tools run.
//
// The cohort's MR and PET are already aligned with the CT (IBSI preparation), so every moving
// image and its GTV mask get a seeded random rigid misalignment (rewritten header, no
// resampling) before both tools register them; "before" is the Dice of the misaligned mask.
//
// `--spacing-mm S` first resamples every image (linear) and mask (nearest) to S mm isotropic over
// its own field of view: with S = 0.5 the cohort's crops become volumes of clinical size
// (10-60 million voxels), to measure time and memory where they matter. MedSight's peak is the
// bench process's, which also holds the images and masks; elastix's is its own process's.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>

#include "core/DatasetLocator.h"
#include "core/Error.h"
#include "eval/MeanSummary.h"
#include "io/ImageFileReader.h"
#include "io/NiftiWriter.h"
#include "preprocess/GridResampler.h"
#include "preprocess/MaskComparison.h"
#include "registration/HeaderRepositioner.h"
#include "registration/ImageRegistration.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace medsight;

namespace {

struct Options {
  fs::path data;
  int patients = 0;  // 0 = all
  std::vector<std::string> modalities{"MR_T1", "PET"};
  int threads = 2;
  std::uint64_t seed = 2024;
  double maxRotationDeg = 8.0;
  double maxTranslationMm = 15.0;
  bool elastix = true;
  bool unperturbed = false;
  fs::path out;
  /// elastix parameter files, run in order (elastix -p A -p B ...); by default those of the
  /// stages MedSight runs for the settings' transform (rigid; rigid, affine; rigid, affine,
  /// B-spline).
  std::vector<fs::path> parameters;
  fs::path settings;     // MedSight registration settings (JSON), default settings when empty
  double spacingMm = 0;  // resample every image to this isotropic spacing first; 0 = as stored
};

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string readText(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// elastix's own registration time from its log: every resolution's initialisation and
/// iterations ("Time spent in resolution i (ITK initialization and iterating): X s") plus each
/// stage's pyramid preparation (MedSight's time includes its pyramids; at
/// 0.5 mm the pyramids took 9.8 s per stage, which the resolution lines leave out). Reading
/// the images and writing results are not counted.
double elastixInternalSeconds(const fs::path& log) {
  const std::string text = readText(log);
  double total = 0;
  std::regex per(
      "Time spent in resolution [0-9]+ \\(ITK initiali[sz]ation and iterating\\): ([0-9.]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), per); it != std::sregex_iterator();
       ++it) {
    total += std::stod((*it)[1]);
  }
  std::regex pyramids("Preparation of the image pyramids took: ([0-9]+) ms");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pyramids);
       it != std::sregex_iterator(); ++it) {
    total += std::stod((*it)[1]) / 1000.0;
  }
  return total;
}

struct ElastixOutcome {
  bool ok = false;
  double wallSeconds = 0, internalSeconds = 0, dice = 0;
  double peakMb = 0;  // elastix's own peak resident memory, 0 when not measured
  std::string error;
};

ElastixOutcome runElastix(const fs::path& work, const Image& fixed, const Image& moving,
                          const Image& movingMask, const Image& fixedMask, const Options& o) {
  ElastixOutcome r;
  fs::create_directories(work / "reg");
  fs::create_directories(work / "mask");
  NiftiWriter::write(fixed, work / "fixed.nii.gz");
  NiftiWriter::write(moving, work / "moving.nii.gz");
  NiftiWriter::write(movingMask, work / "moving_mask.nii.gz");
  const auto t0 = std::chrono::steady_clock::now();
  // elastix's peak memory from GNU time (Debian package "time"): getrusage's figure for
  // children would include this process's own memory, copied into the child at fork.
  const bool timed = fs::exists("/usr/bin/time");
  std::string cmd =
      (timed ? "/usr/bin/time -f %M -o " + (work / "peak_kb.txt").string() + " " : std::string()) +
      "elastix -f " + (work / "fixed.nii.gz").string() + " -m " + (work / "moving.nii.gz").string();
  for (const auto& p : o.parameters) cmd += " -p " + p.string();
  cmd += " -out " + (work / "reg").string() + " -threads " + std::to_string(o.threads) +
         " > /dev/null 2>&1";
  const int code = std::system(cmd.c_str());
  r.wallSeconds = seconds(t0);
  r.internalSeconds = elastixInternalSeconds(work / "reg" / "elastix.log");
  if (timed) {
    std::ifstream peak(work / "peak_kb.txt");
    double kb = 0;
    if (peak >> kb) r.peakMb = kb / 1024.0;
  }
  // The last stage's file names the earlier ones (InitialTransformParametersFileName).
  const fs::path tp =
      work / "reg" / ("TransformParameters." + std::to_string(o.parameters.size() - 1) + ".txt");
  if (code != 0 || !fs::exists(tp)) {
    r.error = "elastix exit " + std::to_string(code);
    return r;
  }
  // Masks move with nearest-neighbour interpolation.
  std::string params = readText(tp);
  params = std::regex_replace(params, std::regex("\\(FinalBSplineInterpolationOrder [0-9]+\\)"),
                              "(FinalBSplineInterpolationOrder 0)");
  params = std::regex_replace(params, std::regex("\\(ResultImagePixelType \"[a-z ]+\"\\)"),
                              "(ResultImagePixelType \"unsigned char\")");
  if (params.find("FinalBSplineInterpolationOrder") == std::string::npos) {
    params += "\n(FinalBSplineInterpolationOrder 0)\n";
  }
  std::ofstream(work / "mask_params.txt") << params;
  const std::string tcmd = "transformix -in " + (work / "moving_mask.nii.gz").string() + " -tp " +
                           (work / "mask_params.txt").string() + " -out " +
                           (work / "mask").string() + " > /dev/null 2>&1";
  if (std::system(tcmd.c_str()) != 0 || !fs::exists(work / "mask" / "result.nii.gz")) {
    r.error = "transformix failed";
    return r;
  }
  Image moved = ImageFileReader::read(work / "mask" / "result.nii.gz");
  if (!moved.sameGrid(fixedMask, 1e-2)) {
    r.error = "transformix result is not on the fixed grid";
    return r;
  }
  moved.geometry() = fixedMask.geometry();
  r.dice = MaskComparison::dice(moved, fixedMask);
  r.ok = true;
  return r;
}

/// Resamples an image (linear) and its mask (nearest) to `spacing` mm isotropic; 0 leaves both.
void resampleIfAsked(Image& image, Image& mask, double spacing) {
  if (spacing <= 0) return;
  image = GridResampler::toSpacing(image, {spacing, spacing, spacing}, Interpolation::Linear);
  mask = GridResampler::toSpacing(mask, {spacing, spacing, spacing}, Interpolation::Nearest);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] {
      if (i + 1 >= argc) throw Error(ErrorCode::InvalidArgument, a + " needs a value");
      return std::string(argv[++i]);
    };
    if (a == "--data")
      o.data = next();
    else if (a == "--patients")
      o.patients = std::stoi(next());
    else if (a == "--modalities") {
      o.modalities.clear();
      std::stringstream s(next());
      for (std::string m; std::getline(s, m, ',');) o.modalities.push_back(m);
    } else if (a == "--threads")
      o.threads = std::stoi(next());
    else if (a == "--seed")
      o.seed = std::stoull(next());
    else if (a == "--max-rotation-deg")
      o.maxRotationDeg = std::stod(next());
    else if (a == "--max-translation-mm")
      o.maxTranslationMm = std::stod(next());
    else if (a == "--no-elastix")
      o.elastix = false;
    else if (a == "--unperturbed")
      o.unperturbed = true;
    else if (a == "--out")
      o.out = next();
    else if (a == "--parameters")
      o.parameters.push_back(next());
    else if (a == "--settings")
      o.settings = next();
    else if (a == "--spacing-mm")
      o.spacingMm = std::stod(next());
    else
      throw Error(ErrorCode::InvalidArgument, "unknown option " + a);
  }
  if (o.data.empty()) {
    const auto found = DatasetLocator::find("sts/nifti");
    if (!found) throw Error(ErrorCode::FileNotFound, "sts/nifti not found; give --data");
    o.data = *found;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    std::vector<std::string> patients;
    for (const auto& e : fs::directory_iterator(o.data)) {
      if (e.is_directory()) patients.push_back(e.path().filename().string());
    }
    std::sort(patients.begin(), patients.end());
    if (o.patients > 0 && static_cast<int>(patients.size()) > o.patients)
      patients.resize(o.patients);
    const fs::path work =
        fs::temp_directory_path() / ("medsight-bench-reg-" + std::to_string(::getpid()));
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    RegistrationSettings settings =
        o.settings.empty() ? RegistrationSettings{}
                           : RegistrationSettings::fromJson(
                                 nlohmann::json::parse(readText(o.settings)), o.settings.string());
    settings.threads = o.threads;
    Options run = o;
    if (run.parameters.empty()) {
      const fs::path dir = MEDSIGHT_BENCH_DIR;
      run.parameters.push_back(dir / "elastix_rigid.txt");
      if (settings.transform != "rigid") run.parameters.push_back(dir / "elastix_affine.txt");
      if (settings.transform == "bspline") run.parameters.push_back(dir / "elastix_bspline.txt");
    }
    std::printf("MedSight: %s; elastix:", settings.transform.c_str());
    for (const auto& p : run.parameters) std::printf(" -p %s", p.filename().c_str());
    std::printf("\n");

    json rows = json::array();
    std::printf("%-8s %-6s %7s | %9s %7s %5s | %9s %7s %7s\n", "patient", "moving", "before",
                "medsight", "time_s", "conv", "elastix", "wall_s", "reg_s");
    for (const auto& p : patients) {
      const fs::path dir = o.data / p;
      Image ct = ImageFileReader::read(dir / "CT_image.nii.gz");
      Image ctMask = ImageFileReader::read(dir / "CT_mask.nii.gz");
      ctMask.geometry() = ct.geometry();
      resampleIfAsked(ct, ctMask, o.spacingMm);
      for (const auto& m : o.modalities) {
        Image moving = ImageFileReader::read(dir / (m + "_image.nii.gz"));
        Image movingMask = ImageFileReader::read(dir / (m + "_mask.nii.gz"));
        movingMask.geometry() = moving.geometry();
        resampleIfAsked(moving, movingMask, o.spacingMm);
        const double deg = M_PI / 180.0;
        const std::array<double, 3> rot{unit(rng) * o.maxRotationDeg * 0.5 * deg,
                                        unit(rng) * o.maxRotationDeg * 0.5 * deg,
                                        unit(rng) * o.maxRotationDeg * deg};
        const std::array<double, 3> shift{unit(rng) * o.maxTranslationMm,
                                          unit(rng) * o.maxTranslationMm,
                                          unit(rng) * o.maxTranslationMm * 0.5};
        if (!o.unperturbed) {
          const auto c = moving.geometry().indexToPhysical({(moving.size().x - 1) / 2.0,
                                                            (moving.size().y - 1) / 2.0,
                                                            (moving.size().z - 1) / 2.0});
          HeaderRepositioner::reposition(moving, rot, shift, c);
          HeaderRepositioner::reposition(movingMask, rot, shift, c);
        }
        json row{{"patient", p}, {"moving", m}, {"rotation_rad", rot}, {"translation_mm", shift}};
        row["fixed_voxels"] = ct.size().x * ct.size().y * ct.size().z;
        row["moving_voxels"] = moving.size().x * moving.size().y * moving.size().z;
        row["dice_before"] = MaskComparison::dice(
            SpatialTransform().resample(movingMask, ct, Interpolation::Nearest), ctMask);
        const auto t0 = std::chrono::steady_clock::now();
        try {
          const auto r = ImageRegistration(settings).run(ct, moving);
          row["medsight_seconds"] = seconds(t0);
          row["medsight_dice"] = MaskComparison::dice(
              r.transform.resample(movingMask, ct, Interpolation::Nearest), ctMask);
          row["medsight_converged"] = true;
          // Mattes MI after, and with the moving voxels shuffled: their ratio is the margin by
          // which the pair passes the "shares structure" check (at least 2).
          row["medsight_final_metric"] = r.finalMetric;
          row["medsight_chance_metric"] = r.chanceMetric;
          // Whether a B-spline deformation was kept (dropped when it lowered the similarity on
          // held-out voxels).
          for (const auto& stage : r.report["stages"]) {
            if (stage.contains("held_out")) row["bspline_kept"] = stage["held_out"]["kept"];
          }
        } catch (const Error& e) {
          row["medsight_seconds"] = seconds(t0);
          row["medsight_dice"] = nullptr;
          row["medsight_converged"] = false;
          row["medsight_error"] = e.what();
        }
        if (o.elastix) {
          const auto e = runElastix(work / (p + "_" + m), ct, moving, movingMask, ctMask, run);
          row["elastix_wall_seconds"] = e.wallSeconds;
          row["elastix_registration_seconds"] = e.internalSeconds;
          if (e.peakMb > 0) row["elastix_peak_mb"] = e.peakMb;
          row["elastix_dice"] = e.ok ? json(e.dice) : json(nullptr);
          if (!e.ok) row["elastix_error"] = e.error;
        }
        auto num = [](const json& v) { return v.is_number() ? v.get<double>() : -1.0; };
        std::printf("%-8s %-6s %7.3f | %9.3f %7.1f %5s | %9.3f %7.1f %7.1f\n", p.c_str(), m.c_str(),
                    row["dice_before"].get<double>(), num(row["medsight_dice"]),
                    row["medsight_seconds"].get<double>(),
                    row["medsight_converged"].get<bool>() ? "yes" : "NO",
                    num(row.value("elastix_dice", json())),
                    num(row.value("elastix_wall_seconds", json())),
                    num(row.value("elastix_registration_seconds", json())));
        std::fflush(stdout);
        rows.push_back(row);
      }
    }
    fs::remove_all(work);

    // Summary per moving modality: mean Dice (failures count as the "before" Dice: the
    // image stays where it was) and mean/median time.
    json summary = json::object();
    for (const auto& m : o.modalities) {
      std::vector<double> before, ms, el, mt, ew, er;
      int msFail = 0, elFail = 0, dropped = 0;
      for (const auto& r : rows) {
        if (r["moving"] != m) continue;
        if (r.contains("bspline_kept") && !r["bspline_kept"].get<bool>()) ++dropped;
        before.push_back(r["dice_before"]);
        if (r["medsight_dice"].is_number())
          ms.push_back(r["medsight_dice"]);
        else
          ++msFail, ms.push_back(r["dice_before"]);
        mt.push_back(r["medsight_seconds"]);
        if (o.elastix) {
          if (r["elastix_dice"].is_number())
            el.push_back(r["elastix_dice"]);
          else
            ++elFail, el.push_back(r["dice_before"]);
          ew.push_back(r["elastix_wall_seconds"]);
          er.push_back(r["elastix_registration_seconds"]);
        }
      }
      auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return v.empty() ? 0.0 : s / v.size();
      };
      summary[m] = {{"pairs", before.size()},
                    {"dice_before_mean", mean(before)},
                    {"medsight_dice_mean", mean(ms)},
                    {"medsight_failures", msFail},
                    {"medsight_seconds_mean", mean(mt)}};
      std::printf("\n%s (%zu pairs): Dice before %.3f | MedSight %.3f (%d failed), %.1f s/pair",
                  m.c_str(), before.size(), mean(before), mean(ms), msFail, mean(mt));
      if (settings.transform == "bspline") {
        summary[m]["medsight_bspline_dropped"] = dropped;
        std::printf(" (B-spline deformation dropped on %d)", dropped);
      }
      if (o.elastix) {
        summary[m]["elastix_dice_mean"] = mean(el);
        summary[m]["elastix_failures"] = elFail;
        summary[m]["elastix_wall_seconds_mean"] = mean(ew);
        summary[m]["elastix_registration_seconds_mean"] = mean(er);
        std::printf(" | elastix %.3f (%d failed), %.1f s/pair wall (%.1f s registering)", mean(el),
                    elFail, mean(ew), mean(er));
        // Paired: the same perturbed pair registered by both tools. Both tools sample the metric
        // at random points, so single-run means differ by a few thousandths from run to run; the
        // interval says whether a difference is more than that.
        std::vector<double> diff;
        int better = 0, worse = 0;
        for (std::size_t i = 0; i < ms.size(); ++i) {
          diff.push_back(ms[i] - el[i]);
          better += ms[i] > el[i];
          worse += ms[i] < el[i];
        }
        const json d = MeanSummary::of(diff, o.seed);
        summary[m]["dice_difference_medsight_minus_elastix"] = d;
        summary[m]["pairs_medsight_better"] = better;
        summary[m]["pairs_elastix_better"] = worse;
        std::printf(
            "\n  paired Dice difference MedSight - elastix %+.4f (95%% bootstrap CI %+.4f to "
            "%+.4f); MedSight better on %d pairs, elastix on %d",
            d["mean"].get<double>(), d["ci95_lower"].get<double>(), d["ci95_upper"].get<double>(),
            better, worse);
      }
      std::printf("\n");
    }
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    double elastixPeak = 0;
    for (const auto& r : rows) elastixPeak = std::max(elastixPeak, r.value("elastix_peak_mb", 0.0));
    const std::string elastixMemory = !o.elastix ? "not run"
                                      : elastixPeak > 0
                                          ? std::to_string(std::lround(elastixPeak)) + " MB"
                                          : "not measured (no /usr/bin/time)";
    std::printf("threads %d, seed %llu, peak RSS: MedSight process %.0f MB, elastix %s\n",
                o.threads, static_cast<unsigned long long>(o.seed), ru.ru_maxrss / 1024.0,
                elastixMemory.c_str());
    if (!o.out.empty()) {
      summary["peak_rss_mb"] = {{"medsight", ru.ru_maxrss / 1024.0},
                                {"elastix", elastixPeak > 0 ? json(elastixPeak) : json(nullptr)}};
      summary["transform"] = settings.transform;
      summary["spacing_mm"] = o.spacingMm > 0 ? json(o.spacingMm) : json("as stored");
      std::ofstream(o.out) << json{{"rows", rows}, {"summary", summary}}.dump(2) << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: %s\n", e.what());
    return 1;
  }
}
