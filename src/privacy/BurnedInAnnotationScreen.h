#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace medsight {

/// \brief A configured pixel-cleaning rule: for images from one device (and optionally one
/// matrix size), the rectangles where that device burns in text; they are blanked (PS3.15 E.3.1
/// Clean Pixel Data Option) instead of quarantining the image.
struct PixelCleaningRule {
  /// \brief Manufacturer (0008,0070) to match, case-insensitive substring; empty = any.
  std::string manufacturer;
  /// \brief Manufacturer's Model Name (0008,1090), case-insensitive substring; empty = any.
  std::string model;
  /// \brief Rows to match, 0 = any.
  unsigned rows = 0;
  /// \brief Columns to match, 0 = any.
  unsigned columns = 0;
  /// \brief Rectangles {x, y, width, height} in pixels to blank in every frame.
  std::vector<std::array<unsigned, 4>> rectangles;
};

/// \brief The facts about an instance the screen looks at.
struct BurnedInFacts {
  /// \brief Whether the instance has Pixel Data (7FE0,0010) at all.
  bool hasPixelData = false;
  /// \brief Burned In Annotation (0028,0301).
  std::string burnedInAnnotation;
  /// \brief Modality (0008,0060).
  std::string modality;
  /// \brief SOP Class UID (0008,0016).
  std::string sopClassUid;
  /// \brief Image Type (0008,0008), backslash-separated.
  std::string imageType;
  /// \brief Manufacturer (0008,0070).
  std::string manufacturer;
  /// \brief Manufacturer's Model Name (0008,1090).
  std::string model;
  /// \brief Rows (0028,0010).
  unsigned rows = 0;
  /// \brief Columns (0028,0011).
  unsigned columns = 0;
};

/// \brief The screen's verdict for one instance.
struct BurnedInDecision {
  /// \brief True if the instance may carry burned-in text (else the pixels are released as is).
  bool suspect = false;
  /// \brief Why it is suspect (names the attribute or modality).
  std::string reason;
  /// \brief The cleaning rule that applies, or nullptr (then the instance is quarantined).
  const PixelCleaningRule* rule = nullptr;
};

/// \brief Decides which images may carry identifying text burned into the pixels (PS3.15 E.3.1):
/// Burned In Annotation = YES, ultrasound and other video/photographic modalities, secondary
/// captures and screen captures. Those go to quarantine with the reason, unless a pixel-cleaning
/// rule for the device is configured.
class BurnedInAnnotationScreen {
 public:
  /// \brief A screen without cleaning rules (every suspect image is quarantined).
  BurnedInAnnotationScreen() = default;
  /// \brief Reads rules from JSON: {"rules": [{"manufacturer": "...", "model": "...",
  /// "rows": 480, "columns": 640, "rectangles": [[x, y, w, h], ...]}]}. Throws
  /// FileNotFound / InvalidConfiguration / BadJson naming the file.
  static BurnedInAnnotationScreen loadRules(const std::filesystem::path& path);
  /// \brief Adds one rule.
  void addRule(PixelCleaningRule rule) { rules_.push_back(std::move(rule)); }
  /// \brief The verdict for one instance.
  BurnedInDecision screen(const BurnedInFacts& facts) const;
  /// \brief The rules.
  const std::vector<PixelCleaningRule>& rules() const { return rules_; }

 private:
  std::vector<PixelCleaningRule> rules_;
};

}  // namespace medsight
