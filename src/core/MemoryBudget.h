#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace medsight {

/// \brief Process-wide caps on what one image or decoded buffer may occupy, checked before any
/// allocation driven by file contents (hostile headers must not trigger huge allocations).
class MemoryBudget {
 public:
  /// \brief Largest byte count a single image buffer may have (default 4 GiB).
  static std::uint64_t maxImageBytes();
  /// \brief Largest extent along any single axis (default 65536).
  static std::uint64_t maxAxisLength();
  /// \brief Changes the per-image byte cap (e.g. from `--memory-budget`).
  static void setMaxImageBytes(std::uint64_t bytes);
  /// \brief Changes the per-axis cap.
  static void setMaxAxisLength(std::uint64_t length);
  /// \brief Parses "512M", "4G", "1024" (bytes) into a byte count; throws InvalidArgument.
  static std::uint64_t parseSize(const std::string& text);

  /// \brief Multiplies extents and sample size, throwing TooLarge (naming `context`) on overflow
  /// or when the product exceeds the budget. Returns the byte count.
  static std::uint64_t checkedBytes(const std::string& context, std::uint64_t sampleBytes,
                                    std::initializer_list<std::uint64_t> extents);
  /// \brief An extent computed in floating point (a field of view over a spacing), checked
  /// against the axis limit before it is converted: TooLarge (naming `context`) when it is
  /// larger or not finite, where the cast itself would be undefined.
  static std::uint64_t checkedExtent(const std::string& context, double extent);
};

}  // namespace medsight
