#include "core/JsonText.h"

#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "core/Error.h"

namespace medsight {

nlohmann::json JsonText::parse(std::string_view text, const std::string& context, ErrorCode code) {
  using Event = nlohmann::json::parse_event_t;
  // One entry per open container: the keys seen so far for an object, nothing for an array.
  std::vector<std::optional<std::set<std::string>>> open;
  const auto guard = [&](int, Event event, nlohmann::json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (open.size() >= static_cast<std::size_t>(kMaxDepth)) {
          throw Error(code, context + ": invalid JSON: nested deeper than " +
                                std::to_string(kMaxDepth) + " levels");
        }
        open.emplace_back(event == Event::object_start
                              ? std::optional<std::set<std::string>>(std::set<std::string>{})
                              : std::nullopt);
        break;
      case Event::object_end:
      case Event::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case Event::key:
        if (!open.empty() && open.back() &&
            !open.back()->insert(parsed.get<std::string>()).second) {
          throw Error(code, context + ": invalid JSON: the key \"" + parsed.get<std::string>() +
                                "\" appears twice in one object");
        }
        break;
      case Event::value:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), guard);
  } catch (const nlohmann::json::exception& e) {
    throw Error(code, context + ": invalid JSON: " + e.what());
  }
}

nlohmann::json JsonText::parse(std::istream& in, const std::string& context, ErrorCode code) {
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), context, code);
}

}  // namespace medsight
