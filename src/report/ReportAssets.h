#pragma once

#include <string>
#include <string_view>

namespace medsight {

/// \brief The plotting libraries inlined into every HTML report (Vega, Vega-Lite, vega-embed;
/// installed by `npm ci` in `report/` and embedded into the binary at build time), so reports
/// open offline with no network access and no files beside them.
class ReportAssets {
 public:
  /// \brief True when the build found the libraries.
  static bool available();
  /// \brief Throws Unavailable with set-up instructions when the libraries are missing.
  static void require();
  /// \brief Minified vega.js.
  static std::string_view vega();
  /// \brief Minified vega-lite.js.
  static std::string_view vegaLite();
  /// \brief Minified vega-embed.js.
  static std::string_view vegaEmbed();
  /// \brief "vega 6.4.0, vega-lite 6.4.3, vega-embed 7.3.0" (from their package.json files).
  static std::string versions();
};

}  // namespace medsight
