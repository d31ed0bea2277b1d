#pragma once

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "radiomics/LevelPairMatrix.h"
#include "radiomics/RadiomicFeatureSet.h"

namespace medsight {

/// \brief A voxel offset (direction or neighbour) on the grid.
struct VoxelOffset {
  int dx, dy, dz;
};

/// \brief Texture-matrix aggregation methods of the IBSI (2D by slice, 2.5D merged over slices,
/// 3D over the volume; averaged over or merged across directions) with their IBSI names and
/// identifiers, the direction and neighbourhood sets, and the averaging rule (mean over the
/// matrices whose feature is defined, as the IBSI reference implementations do).
class TextureAggregation {
 public:
  /// \brief Aggregation method.
  enum Method {
    Averaged2D,          ///< "2D, averaged" (BTW3): per slice and direction
    SliceMerged2D,       ///< "2D, slice-merged" (SUJT): directions merged within each slice
    DirectionMerged25D,  ///< "2.5D, direction-merged" (JJUI): slices merged per direction
    Merged25D,           ///< "2.5D, merged" (ZW7Z): everything merged
    Averaged3D,          ///< "3D, averaged" (ITBB): per 3D direction
    Merged3D,            ///< "3D, merged" (IAZD): 3D directions merged
    PerSlice2D,          ///< "2D" (8QNN): direction-free matrices per slice
    SliceMerged25D,      ///< "2.5D" (62GR): direction-free matrices merged over slices
    Volume3D             ///< "3D" (KOBO): one direction-free matrix of the volume
  };
  /// \brief IBSI label, e.g. "2D, averaged".
  static const char* name(Method m);
  /// \brief IBSI identifier, e.g. "BTW3".
  static const char* code(Method m);

  /// \brief The 4 in-plane directions (1,0), (1,1), (0,1), (-1,1) at Chebyshev distance 1.
  static const std::vector<VoxelOffset>& directions2D();
  /// \brief The 13 unique 3D directions at Chebyshev distance 1.
  static const std::vector<VoxelOffset>& directions3D();
  /// \brief The 8 in-plane neighbours.
  static const std::vector<VoxelOffset>& neighbours2D();
  /// \brief The 26 neighbours in 3D.
  static const std::vector<VoxelOffset>& neighbours3D();

  /// \brief Mean of each feature over the vectors where it is finite (NaN if none).
  template <std::size_t N>
  static std::array<double, N> mean(const std::vector<std::array<double, N>>& values) {
    std::array<double, N> out;
    for (std::size_t f = 0; f < N; ++f) {
      double sum = 0;
      std::size_t n = 0;
      for (const auto& v : values) {
        if (std::isfinite(v[f])) {
          sum += v[f];
          ++n;
        }
      }
      out[f] = n ? sum / double(n) : NAN;
    }
    return out;
  }

  /// \brief One feature of a family: IBSI name and code.
  struct FeatureName {
    const char* name;
    const char* code;
  };
  /// \brief Appends `values` as features of `family` with `names` under method `m`.
  template <std::size_t N>
  static void emit(const char* family, const std::array<FeatureName, N>& names,
                   const std::array<double, N>& values, Method m, RadiomicFeatureSet& out) {
    for (std::size_t f = 0; f < N; ++f) {
      out.add({family, names[f].name, names[f].code, name(m), code(m), values[f]});
    }
  }

  /// \brief For direction-free matrices (GLSZM, GLDZM, NGLDM): features of each slice's
  /// matrix averaged ("2D"), of the slices' merged matrix ("2.5D") and of the volume's matrix
  /// ("3D"). `build(z)` returns the matrix of slice z, `build(-1)` that of the volume.
  template <std::size_t N>
  static void emitZoneAggregates(const char* family, const std::array<FeatureName, N>& names,
                                 long slices, bool do2D, bool do25D, bool do3D,
                                 const std::function<LevelPairMatrix(long)>& build,
                                 RadiomicFeatureSet& out) {
    auto features = [](const LevelPairMatrix& m) {
      const auto s = m.statistics();
      std::array<double, N> f;
      for (std::size_t i = 0; i < N; ++i) f[i] = s[i];
      return f;
    };
    if (do2D || do25D) {
      std::vector<std::array<double, N>> perSlice;
      LevelPairMatrix merged;
      for (long z = 0; z < slices; ++z) {
        const LevelPairMatrix m = build(z);
        if (m.empty()) continue;
        perSlice.push_back(features(m));
        merged.merge(m);
      }
      if (do2D) emit(family, names, mean(perSlice), PerSlice2D, out);
      if (do25D) emit(family, names, features(merged), SliceMerged25D, out);
    }
    if (do3D) emit(family, names, features(build(-1)), Volume3D, out);
  }
};

}  // namespace medsight
