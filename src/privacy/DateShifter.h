#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace medsight {

/// \brief Moves DICOM dates by a whole number of days (PS3.15 E.3.6 "Retain Longitudinal
/// Temporal Information with Modified Dates"): DA values "YYYYMMDD" (also multi-valued and the
/// legacy "YYYY.MM.DD") and the date part of DT values; times of day are kept, so intervals
/// between a patient's events are preserved exactly.
class DateShifter {
 public:
  /// \brief A shifter moving dates by `days` (negative = earlier).
  explicit DateShifter(int days) : days_(days) {}
  /// \brief Shifted DA value (each backslash-separated value); nullopt if a value is not a
  /// complete valid date (the caller then replaces it with a dummy).
  std::optional<std::string> shiftDate(std::string_view value) const;
  /// \brief Shifted DT value (date part shifted, time and offset kept); nullopt if the value
  /// has no complete date.
  std::optional<std::string> shiftDateTime(std::string_view value) const;
  /// \brief The shift in days.
  int days() const { return days_; }

 private:
  std::optional<std::string> shiftOne(std::string_view yyyymmdd) const;
  int days_;
};

}  // namespace medsight
