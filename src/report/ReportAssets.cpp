#include "report/ReportAssets.h"

#include "core/Error.h"
#include "report/ReportAssetsData.h"

namespace medsight {

bool ReportAssets::available() {
  return reportassets::kAvailable;
}

void ReportAssets::require() {
  if (!available()) {
    throw Error(ErrorCode::Unavailable,
                "HTML reports need the plotting libraries: run scripts/setup.sh (npm ci in "
                "report/), then re-run cmake and rebuild medsight");
  }
}

std::string_view ReportAssets::vega() {
  return reportassets::vega();
}
std::string_view ReportAssets::vegaLite() {
  return reportassets::vegaLite();
}
std::string_view ReportAssets::vegaEmbed() {
  return reportassets::vegaEmbed();
}
std::string ReportAssets::versions() {
  return reportassets::kVersions;
}

}  // namespace medsight
