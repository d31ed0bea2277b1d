#include "radiomics/RunLengthMatrixFeatures.h"

#include "radiomics/LevelPairMatrix.h"
#include "radiomics/TextureAggregation.h"

namespace medsight {
namespace {

constexpr std::size_t kCount = 16;
using Features = std::array<double, kCount>;
using Names = std::array<TextureAggregation::FeatureName, kCount>;

const Names kNames{{{"Short runs emphasis", "22OV"},
                    {"Long runs emphasis", "W4KF"},
                    {"Low grey level run emphasis", "V3SW"},
                    {"High grey level run emphasis", "G3QZ"},
                    {"Short run low grey level emphasis", "HTZT"},
                    {"Short run high grey level emphasis", "GD3A"},
                    {"Long run low grey level emphasis", "IVPO"},
                    {"Long run high grey level emphasis", "3KUM"},
                    {"Grey level non-uniformity", "R5YN"},
                    {"Normalised grey level non-uniformity", "OVBL"},
                    {"Run length non-uniformity", "W92Y"},
                    {"Normalised run length non-uniformity", "IC23"},
                    {"Run percentage", "9ZK5"},
                    {"Grey level variance", "8CE5"},
                    {"Run length variance", "SXLW"},
                    {"Run entropy", "HJ9O"}}};

Features features(const LevelPairMatrix& m) {
  const auto s = m.statistics();
  Features f;
  for (std::size_t i = 0; i < kCount; ++i) f[i] = s[i];
  return f;
}

/// Runs along direction d; `slice` >= 0 restricts to that z slice.
LevelPairMatrix runMatrix(const DiscretisedRoi& roi, const VoxelOffset& d, long slice) {
  LevelPairMatrix m;
  const auto nx = long(roi.size[0]), ny = long(roi.size[1]), nz = long(roi.size[2]);
  const long z0 = slice >= 0 ? slice : 0, z1 = slice >= 0 ? slice + 1 : nz;
  auto levelAt = [&](long x, long y, long z) {
    if (x < 0 || y < 0 || z < z0 || x >= nx || y >= ny || z >= z1) return 0;
    return roi.level[roi.index(x, y, z)];
  };
  double voxels = 0;
  for (long z = z0; z < z1; ++z) {
    for (long y = 0; y < ny; ++y) {
      for (long x = 0; x < nx; ++x) {
        const int g = levelAt(x, y, z);
        if (g <= 0) continue;
        voxels += 1;
        if (levelAt(x - d.dx, y - d.dy, z - d.dz) == g) continue;  // not the start of a run
        int length = 1;
        while (levelAt(x + length * d.dx, y + length * d.dy, z + length * d.dz) == g) ++length;
        m.add(g, length);
      }
    }
  }
  m.setVoxelCount(voxels);
  return m;
}

}  // namespace

void RunLengthMatrixFeatures::compute(const DiscretisedRoi& roi, const RadiomicsSettings& settings,
                                      RadiomicFeatureSet& out) {
  using TA = TextureAggregation;
  const char* family = "glrlm";
  if (settings.compute2D || settings.compute25D) {
    const auto& dirs = TA::directions2D();
    std::vector<Features> perSliceDirection, perSlice;
    std::vector<LevelPairMatrix> perDirection(dirs.size());
    LevelPairMatrix all;
    for (long z = 0; z < long(roi.size[2]); ++z) {
      LevelPairMatrix slice;
      for (std::size_t d = 0; d < dirs.size(); ++d) {
        const LevelPairMatrix m = runMatrix(roi, dirs[d], z);
        if (m.empty()) continue;
        perSliceDirection.push_back(features(m));
        slice.merge(m);
        perDirection[d].merge(m);
        all.merge(m);
      }
      if (!slice.empty()) perSlice.push_back(features(slice));
    }
    if (settings.compute2D) {
      TA::emit(family, kNames, TA::mean(perSliceDirection), TA::Averaged2D, out);
      TA::emit(family, kNames, TA::mean(perSlice), TA::SliceMerged2D, out);
    }
    if (settings.compute25D) {
      std::vector<Features> directionMerged;
      for (const auto& m : perDirection) {
        if (!m.empty()) directionMerged.push_back(features(m));
      }
      TA::emit(family, kNames, TA::mean(directionMerged), TA::DirectionMerged25D, out);
      TA::emit(family, kNames, features(all), TA::Merged25D, out);
    }
  }
  if (settings.compute3D) {
    std::vector<Features> perDirection;
    LevelPairMatrix all;
    for (const auto& d : TA::directions3D()) {
      const LevelPairMatrix m = runMatrix(roi, d, -1);
      if (m.empty()) continue;
      perDirection.push_back(features(m));
      all.merge(m);
    }
    TA::emit(family, kNames, TA::mean(perDirection), TA::Averaged3D, out);
    TA::emit(family, kNames, features(all), TA::Merged3D, out);
  }
}

}  // namespace medsight
