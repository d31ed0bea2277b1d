#include "core/Error.h"

#include <array>

namespace medsight {
namespace {

constexpr std::array kTable = {
#define MEDSIGHT_ERROR(name, exit_code, http_status, description) \
  ErrorCodeInfo{ErrorCode::name, #name, exit_code, http_status, description},
#include "core/ErrorCodes.def"
#undef MEDSIGHT_ERROR
};

// The table is indexed by the enum value; this holds because both are generated from one list.
constexpr bool tableIsInEnumOrder() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].code) != i) return false;
  }
  return true;
}
static_assert(tableIsInEnumOrder());

}  // namespace

const ErrorCodeInfo& errorCodeInfo(ErrorCode code) {
  return kTable.at(static_cast<std::size_t>(code));
}

std::span<const ErrorCodeInfo> errorCodeTable() {
  return kTable;
}

ErrorCode errorCodeFromName(std::string_view name) {
  for (const auto& row : kTable) {
    if (row.name == name) return row.code;
  }
  throw Error(ErrorCode::InvalidArgument, "unknown error code name '" + std::string(name) + "'");
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

int Error::exitCode() const noexcept {
  return errorCodeInfo(code_).exitCode;
}

int Error::httpStatus() const noexcept {
  return errorCodeInfo(code_).httpStatus;
}

std::string_view Error::codeName() const noexcept {
  return errorCodeInfo(code_).name;
}

}  // namespace medsight
