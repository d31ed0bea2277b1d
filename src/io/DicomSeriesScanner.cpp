#include "io/DicomSeriesScanner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "core/Error.h"
#include "core/ParallelFor.h"

namespace medsight {
namespace {

double dot(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

/// Instances of one series that can share a volume: same orientation (to 1e-4) and matrix.
std::string geometryKey(const DicomHeader& h) {
  std::ostringstream key;
  key << h.rows << 'x' << h.columns << ':' << h.samplesPerPixel;
  if (h.imageOrientation) {
    for (double v : *h.imageOrientation) key << ':' << std::lround(v * 1e4);
  }
  return key.str();
}

bool timeBefore(const DicomHeader& a, const DicomHeader& b) {
  if (a.temporalPositionIdentifier != b.temporalPositionIdentifier) {
    return a.temporalPositionIdentifier < b.temporalPositionIdentifier;
  }
  if (a.acquisitionTime != b.acquisitionTime) return a.acquisitionTime < b.acquisitionTime;
  return a.instanceNumber < b.instanceNumber;
}

}  // namespace

DicomSeriesInfo DicomSeriesScanner::analyse(std::vector<DicomHeader> instances) {
  DicomSeriesInfo info;
  if (instances.empty()) throw Error(ErrorCode::EmptyInput, "series has no instances");
  const DicomHeader& first = instances.front();
  info.studyInstanceUid = first.studyInstanceUid;
  info.seriesInstanceUid = first.seriesInstanceUid;
  info.modality = first.modality;
  info.seriesDescription = first.seriesDescription;
  info.seriesNumber = first.seriesNumber;
  info.normal = first.sliceNormal();
  const std::string where = "series " + info.seriesInstanceUid;

  const bool allPositioned =
      std::all_of(instances.begin(), instances.end(),
                  [](const DicomHeader& h) { return h.imagePosition.has_value(); });
  if (!allPositioned) {
    // Without Image Position (Patient) there is no geometry to sort by (e.g. secondary captures):
    // fall back to Instance Number and say so.
    std::stable_sort(instances.begin(), instances.end(), [](const auto& a, const auto& b) {
      return a.instanceNumber < b.instanceNumber;
    });
    info.instances = std::move(instances);
    info.positions = info.instances.size();
    if (info.instances.size() > 1) {
      info.warnings.push_back(where +
                              ": slices lack Image Position (Patient); ordered by "
                              "Instance Number and spacing taken from the header");
    }
    info.sliceSpacing = first.spacingBetweenSlices.value_or(first.sliceThickness.value_or(1.0));
    return info;
  }

  auto depth = [&](const DicomHeader& h) { return dot(*h.imagePosition, info.normal); };
  std::stable_sort(instances.begin(), instances.end(), [&](const auto& a, const auto& b) {
    const double da = depth(a), db = depth(b);
    if (std::abs(da - db) > 1e-4) return da < db;
    return timeBefore(a, b);
  });

  // Group instances that share a position (duplicates or time points of a dynamic series).
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (!groups.empty() &&
        std::abs(depth(instances[i]) - depth(instances[groups.back().front()])) < 1e-3) {
      groups.back().push_back(i);
    } else {
      groups.push_back({i});
    }
  }
  std::vector<DicomHeader> kept;
  const std::size_t perPosition = groups.front().size();
  const bool uniform = std::all_of(groups.begin(), groups.end(),
                                   [&](const auto& g) { return g.size() == perPosition; });
  if (perPosition > 1 && uniform) {
    // Dynamic series: each position repeated once per time point, ordered in time.
    info.timePoints = perPosition;
    for (const auto& g : groups) {
      for (std::size_t i : g) kept.push_back(instances[i]);
    }
  } else {
    for (const auto& g : groups) {
      kept.push_back(instances[g.front()]);
      for (std::size_t k = 1; k < g.size(); ++k) {
        const auto& dup = instances[g[k]];
        info.warnings.push_back(where + ": duplicate slice at " + fmt(depth(dup)) + " mm (" +
                                dup.path + " repeats " + instances[g.front()].path +
                                (dup.sopInstanceUid == instances[g.front()].sopInstanceUid
                                     ? ", same SOP Instance UID"
                                     : "") +
                                "); the first is used");
      }
    }
  }
  info.positions = groups.size();
  info.instances = std::move(kept);

  if (info.positions > 1) {
    std::vector<double> gaps;
    for (std::size_t p = 1; p < groups.size(); ++p) {
      gaps.push_back(depth(instances[groups[p].front()]) - depth(instances[groups[p - 1].front()]));
    }
    std::vector<double> sorted = gaps;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];
    info.sliceSpacing = median;
    for (std::size_t p = 0; p < gaps.size(); ++p) {
      const double g = gaps[p];
      const double ratio = g / median;
      if (ratio > 1.5) {
        const long missing = std::max(1L, std::lround(std::min(ratio, 1e7)) - 1);
        info.missingSlices.push_back(
            {p, static_cast<std::size_t>(missing),
             std::to_string(missing) + " slice(s) missing between positions " +
                 fmt(depth(instances[groups[p].front()])) + " and " +
                 fmt(depth(instances[groups[p + 1].front()])) + " mm (gap " + fmt(g) +
                 " mm, spacing " + fmt(median) + " mm)"});
        info.warnings.push_back(where + ": " + info.missingSlices.back().description);
      } else if (std::abs(g - median) > std::max(0.01, 0.01 * median)) {
        info.warnings.push_back(where + ": non-uniform spacing: slice " + std::to_string(p + 1) +
                                " is " + fmt(g) + " mm from its neighbour, median " + fmt(median) +
                                " mm");
      }
    }
    // Gantry tilt: slices stack along a direction that is not the slice normal.
    const auto& p0 = *instances[groups.front().front()].imagePosition;
    const auto& p1 = *instances[groups.back().front()].imagePosition;
    std::array<double, 3> stack{p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
    const double len = std::sqrt(dot(stack, stack));
    if (len > 0) {
      const double c = std::clamp(std::abs(dot(stack, info.normal)) / len, 0.0, 1.0);
      info.gantryTiltDegrees = std::acos(c) * 180.0 / M_PI;
      if (info.gantryTiltDegrees > 0.05) {
        info.warnings.push_back(where + ": gantry tilt of " + fmt(info.gantryTiltDegrees) +
                                " degrees; the volume keeps the slice normal as its z axis, so "
                                "positions away from the first slice are shifted in-plane");
      }
    }
  } else {
    info.sliceSpacing = first.spacingBetweenSlices.value_or(first.sliceThickness.value_or(1.0));
  }
  if (!(info.sliceSpacing > 0)) info.sliceSpacing = 1.0;
  return info;
}

DicomScanResult DicomSeriesScanner::scan(const std::filesystem::path& folder, bool recursive,
                                         int threads) {
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) {
    throw Error(ErrorCode::FileNotFound, folder.string() + ": no such file or folder");
  }
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_regular_file(folder, ec)) {
    files.push_back(folder);
  } else {
    const auto options = std::filesystem::directory_options::skip_permission_denied;
    if (recursive) {
      for (auto it = std::filesystem::recursive_directory_iterator(folder, options, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
    } else {
      for (auto it = std::filesystem::directory_iterator(folder, options, ec);
           !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
    }
    if (ec) throw Error(ErrorCode::FileUnreadable, folder.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());

  DicomScanResult result;
  std::vector<std::optional<DicomHeader>> headers(files.size());
  std::vector<std::string> errors(files.size());
  std::vector<char> dicom(files.size(), 0);
  parallelFor(files.size(), threads, [&](std::size_t i) {
    if (!looksLikeDicom(files[i])) return;
    dicom[i] = 1;
    try {
      headers[i] = readDicomHeader(files[i]);
    } catch (const Error& e) {
      errors[i] = e.what();
    }
  });

  std::map<std::string, std::vector<DicomHeader>> groups;
  std::map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!dicom[i]) {
      ++result.skippedNonDicom;
      continue;
    }
    if (!headers[i]) {
      result.failures.emplace_back(files[i].string(), errors[i]);
      continue;
    }
    DicomHeader& h = *headers[i];
    if (!h.hasPixelData) {
      result.nonImageInstances.push_back(h.path);
      continue;
    }
    const std::string key = h.studyInstanceUid + "|" + h.seriesInstanceUid + "|" + geometryKey(h);
    order.emplace(key, order.size());
    groups[key].push_back(std::move(h));
  }
  std::vector<std::pair<std::size_t, std::string>> keys;
  for (const auto& [key, index] : order) keys.emplace_back(index, key);
  std::sort(keys.begin(), keys.end());
  std::map<std::string, int> partsPerSeries;
  for (const auto& [index, key] : keys) {
    DicomSeriesInfo info = analyse(std::move(groups[key]));
    const int part = ++partsPerSeries[info.seriesInstanceUid];
    if (part > 1) {
      info.warnings.push_back("series " + info.seriesInstanceUid + ": part " +
                              std::to_string(part) +
                              " has a different orientation or matrix size from part 1 and is "
                              "listed separately");
    }
    result.series.push_back(std::move(info));
  }
  return result;
}

}  // namespace medsight
