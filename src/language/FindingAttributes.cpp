#include "language/FindingAttributes.h"

#include "core/Error.h"

namespace medsight {

std::string_view toString(Assertion value) {
  switch (value) {
    case Assertion::Affirmed:
      return "affirmed";
    case Assertion::Negated:
      return "negated";
    case Assertion::Possible:
      return "possible";
  }
  return "affirmed";
}

std::string_view toString(Temporality value) {
  switch (value) {
    case Temporality::Recent:
      return "recent";
    case Temporality::Historical:
      return "historical";
    case Temporality::Hypothetical:
      return "hypothetical";
  }
  return "recent";
}

std::string_view toString(Experiencer value) {
  return value == Experiencer::Other ? "other" : "patient";
}

std::string_view toString(Laterality value) {
  switch (value) {
    case Laterality::Unspecified:
      return "unspecified";
    case Laterality::Left:
      return "left";
    case Laterality::Right:
      return "right";
    case Laterality::Bilateral:
      return "bilateral";
  }
  return "unspecified";
}

std::string_view toString(TextLanguage value) {
  switch (value) {
    case TextLanguage::Auto:
      return "auto";
    case TextLanguage::English:
      return "en";
    case TextLanguage::Chinese:
      return "zh";
  }
  return "auto";
}

TextLanguage parseTextLanguage(std::string_view text) {
  if (text == "auto") return TextLanguage::Auto;
  if (text == "en" || text == "english") return TextLanguage::English;
  if (text == "zh" || text == "chinese") return TextLanguage::Chinese;
  throw Error(ErrorCode::InvalidArgument,
              "--lang: unknown language '" + std::string(text) + "' (use en, zh or auto)");
}

Laterality parseLaterality(std::string_view text, const std::string& context) {
  if (text.empty() || text == "unspecified") return Laterality::Unspecified;
  if (text == "left") return Laterality::Left;
  if (text == "right") return Laterality::Right;
  if (text == "bilateral") return Laterality::Bilateral;
  throw Error(ErrorCode::InvalidArgument, context + ": unknown laterality '" + std::string(text) +
                                              "' (use left, right, bilateral or unspecified)");
}

}  // namespace medsight
