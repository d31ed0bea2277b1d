#include "radiomics/TextureAggregation.h"

namespace medsight {

const char* TextureAggregation::name(Method m) {
  switch (m) {
    case Averaged2D:
      return "2D, averaged";
    case SliceMerged2D:
      return "2D, slice-merged";
    case DirectionMerged25D:
      return "2.5D, direction-merged";
    case Merged25D:
      return "2.5D, merged";
    case Averaged3D:
      return "3D, averaged";
    case Merged3D:
      return "3D, merged";
    case PerSlice2D:
      return "2D";
    case SliceMerged25D:
      return "2.5D";
    case Volume3D:
      return "3D";
  }
  return "";
}

const char* TextureAggregation::code(Method m) {
  switch (m) {
    case Averaged2D:
      return "BTW3";
    case SliceMerged2D:
      return "SUJT";
    case DirectionMerged25D:
      return "JJUI";
    case Merged25D:
      return "ZW7Z";
    case Averaged3D:
      return "ITBB";
    case Merged3D:
      return "IAZD";
    case PerSlice2D:
      return "8QNN";
    case SliceMerged25D:
      return "62GR";
    case Volume3D:
      return "KOBO";
  }
  return "";
}

const std::vector<VoxelOffset>& TextureAggregation::directions2D() {
  static const std::vector<VoxelOffset> d{{1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {-1, 1, 0}};
  return d;
}

const std::vector<VoxelOffset>& TextureAggregation::directions3D() {
  // One of each pair of opposite neighbours: the first non-zero component is positive.
  static const std::vector<VoxelOffset> d = [] {
    std::vector<VoxelOffset> out;
    for (int dz = -1; dz <= 1; ++dz) {
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int first = dz != 0 ? dz : (dy != 0 ? dy : dx);
          if (first > 0) out.push_back({dx, dy, dz});
        }
      }
    }
    return out;
  }();
  return d;
}

const std::vector<VoxelOffset>& TextureAggregation::neighbours2D() {
  static const std::vector<VoxelOffset> d{{-1, -1, 0}, {0, -1, 0}, {1, -1, 0}, {-1, 0, 0},
                                          {1, 0, 0},   {-1, 1, 0}, {0, 1, 0},  {1, 1, 0}};
  return d;
}

const std::vector<VoxelOffset>& TextureAggregation::neighbours3D() {
  static const std::vector<VoxelOffset> d = [] {
    std::vector<VoxelOffset> out;
    for (int dz = -1; dz <= 1; ++dz) {
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          if (dx || dy || dz) out.push_back({dx, dy, dz});
        }
      }
    }
    return out;
  }();
  return d;
}

}  // namespace medsight
