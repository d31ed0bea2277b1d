#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace medsight {

/// \brief Every failure MedSight reports; each code comes from src/core/ErrorCodes.def.
enum class ErrorCode {
#define MEDSIGHT_ERROR(name, exit_code, http_status, description) name,
#include "core/ErrorCodes.def"
#undef MEDSIGHT_ERROR
};

/// \brief One row of the error table: how a code surfaces at each boundary.
struct ErrorCodeInfo {
  ErrorCode code;
  std::string_view name;
  int exitCode;
  int httpStatus;
  std::string_view description;
};

/// \brief Looks up the table row of a code.
const ErrorCodeInfo& errorCodeInfo(ErrorCode code);

/// \brief The whole error table, in declaration order.
std::span<const ErrorCodeInfo> errorCodeTable();

/// \brief Finds a code by its name ("CorruptData"); throws InvalidArgument if unknown.
ErrorCode errorCodeFromName(std::string_view name);

/// \brief The one exception type of MedSight: a code from the table and a message that names
/// the input and the problem. Caught only at boundaries (CLI main, HTTP handler, job runner).
class Error : public std::runtime_error {
 public:
  /// \brief Creates an error; the message should name the input ("series 1.2.3: ...").
  Error(ErrorCode code, const std::string& message);

  /// \brief The table code.
  ErrorCode code() const noexcept { return code_; }
  /// \brief Exit status a CLI should return for this error.
  int exitCode() const noexcept;
  /// \brief HTTP status a server should answer for this error.
  int httpStatus() const noexcept;
  /// \brief The code's symbolic name, e.g. "CorruptData".
  std::string_view codeName() const noexcept;

 private:
  ErrorCode code_;
};

}  // namespace medsight
