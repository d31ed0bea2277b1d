#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/Error.h"

namespace medsight {

/// \brief Parses JSON that comes from outside the program (configuration files, request
/// bodies, model packages) with two limits nlohmann's parser lacks: nesting deeper than
/// kMaxDepth levels is refused (a 100,000-level file overflows the stack while the document is
/// built), and a key repeated within one object is refused (RFC 8259 section 4 leaves its
/// meaning to the reader; one reader takes the first, another the last, so the file says two
/// things).
class JsonText {
 public:
  /// \brief Deepest nesting accepted (the YAML reader uses the same limit).
  static constexpr int kMaxDepth = 200;

  /// \brief The parsed value. An error with `code` (BadJson unless the caller's table says
  /// otherwise, e.g. ModelInvalid for a package file) naming `context` (a file name,
  /// "POST /api/...") for malformed JSON, nesting beyond kMaxDepth or a repeated key.
  static nlohmann::json parse(std::string_view text, const std::string& context,
                              ErrorCode code = ErrorCode::BadJson);
  /// \brief As parse(text, ...) for everything left in `in`.
  static nlohmann::json parse(std::istream& in, const std::string& context,
                              ErrorCode code = ErrorCode::BadJson);
};

}  // namespace medsight
