#include "radiomics/NeighbouringGreyLevelDependenceFeatures.h"

#include <cmath>
#include <cstdlib>

#include "radiomics/TextureAggregation.h"

namespace medsight {

void NeighbouringGreyLevelDependenceFeatures::compute(const DiscretisedRoi& roi,
                                                      const RadiomicsSettings& settings,
                                                      RadiomicFeatureSet& out) {
  static const std::array<TextureAggregation::FeatureName, 17> names{
      {{"Low dependence emphasis", "SODN"},
       {"High dependence emphasis", "IMOQ"},
       {"Low grey level count emphasis", "TL9H"},
       {"High grey level count emphasis", "OAE7"},
       {"Low dependence low grey level emphasis", "EQ3F"},
       {"Low dependence high grey level emphasis", "JA6D"},
       {"High dependence low grey level emphasis", "NBZI"},
       {"High dependence high grey level emphasis", "9QMG"},
       {"Grey level non-uniformity", "FP8K"},
       {"Normalised grey level non-uniformity", "5SPA"},
       {"Dependence count non-uniformity", "Z87G"},
       {"Normalised dependence count non-uniformity", "OKJI"},
       {"Dependence count percentage", "6XV8"},
       {"Grey level variance", "1PFV"},
       {"Dependence count variance", "DNX2"},
       {"Dependence count entropy", "FCBV"},
       {"Dependence count energy", "CAS9"}}};
  const double alpha = settings.ngldmAlpha;
  TextureAggregation::emitZoneAggregates(
      "ngldm", names, long(roi.size[2]), settings.compute2D, settings.compute25D,
      settings.compute3D,
      [&](long slice) {
        LevelPairMatrix m;
        const bool planar = slice >= 0;
        const auto& neighbours =
            planar ? TextureAggregation::neighbours2D() : TextureAggregation::neighbours3D();
        const auto nx = long(roi.size[0]), ny = long(roi.size[1]), nz = long(roi.size[2]);
        const long z0 = planar ? slice : 0, z1 = planar ? slice + 1 : nz;
        double voxels = 0;
        for (long z = z0; z < z1; ++z) {
          for (long y = 0; y < ny; ++y) {
            for (long x = 0; x < nx; ++x) {
              const int g = roi.level[roi.index(x, y, z)];
              if (g <= 0) continue;
              int dependence = 1;
              for (const auto& o : neighbours) {
                const long qx = x + o.dx, qy = y + o.dy, qz = z + o.dz;
                if (qx < 0 || qy < 0 || qz < 0 || qx >= nx || qy >= ny || qz >= nz) continue;
                const int q = roi.level[roi.index(qx, qy, qz)];
                if (q > 0 && std::abs(q - g) <= alpha) ++dependence;
              }
              m.add(g, dependence);
              voxels += 1;
            }
          }
        }
        m.setVoxelCount(voxels);
        return m;
      },
      out);
}

}  // namespace medsight
