#include "server/ApiRouter.h"

#include <stdexcept>

#include <algorithm>

#include "core/Error.h"
#include "core/JsonText.h"

namespace medsight {

nlohmann::json ApiRequest::jsonBody(std::size_t maxBytes) const {
  if (body.size() > maxBytes) {
    throw Error(ErrorCode::PayloadTooLarge, method + " " + path + ": JSON body of " +
                                                std::to_string(body.size()) + " bytes exceeds " +
                                                std::to_string(maxBytes));
  }
  const nlohmann::json j = JsonText::parse(body, method + " " + path + ": body");
  if (!j.is_object())
    throw Error(ErrorCode::BadJson, method + " " + path + ": body must be a JSON object");
  return j;
}

std::string ApiRequest::queryValue(const std::string& key, const std::string& fallback) const {
  const auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

std::int64_t ApiRequest::integerQuery(const std::string& key, std::int64_t fallback,
                                      std::int64_t max) const {
  const std::string v = queryValue(key);
  if (v.empty()) return fallback;
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0) throw std::invalid_argument(v);
    return std::min<std::int64_t>(n, max);
  } catch (const std::exception&) {
    throw Error(ErrorCode::InvalidArgument,
                path + ": ?" + key + "=" + v + " is not a non-negative integer");
  }
}

ApiResponse ApiResponse::json(const nlohmann::json& value, int status) {
  ApiResponse r;
  r.status = status;
  // Replace invalid UTF-8 rather than throw: stored text came from DICOM and may be odd.
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace medsight
