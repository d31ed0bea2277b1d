#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace medsight {

/// \brief Whether a finding is stated as present, absent or uncertain (ConText "negation" and
/// "uncertainty" properties, Harkema et al., J Biomed Inform 2009).
enum class Assertion : std::uint8_t { Affirmed, Negated, Possible };

/// \brief When the finding applies (ConText temporality: recent, historical, hypothetical).
enum class Temporality : std::uint8_t { Recent, Historical, Hypothetical };

/// \brief Who has the finding (ConText experiencer).
enum class Experiencer : std::uint8_t { Patient, Other };

/// \brief Side of the body a finding is on.
enum class Laterality : std::uint8_t { Unspecified, Left, Right, Bilateral };

/// \brief Language of report text; Auto decides per sentence from its script.
enum class TextLanguage : std::uint8_t { Auto, English, Chinese };

/// \brief Lower-case name ("affirmed", "negated", "possible").
std::string_view toString(Assertion value);
/// \brief Lower-case name ("recent", "historical", "hypothetical").
std::string_view toString(Temporality value);
/// \brief Lower-case name ("patient", "other").
std::string_view toString(Experiencer value);
/// \brief Lower-case name ("unspecified", "left", "right", "bilateral").
std::string_view toString(Laterality value);
/// \brief Code used on the command line and in JSON ("auto", "en", "zh").
std::string_view toString(TextLanguage value);

/// \brief Parses "auto", "en" or "zh" (also "english", "chinese"); throws InvalidArgument.
TextLanguage parseTextLanguage(std::string_view text);
/// \brief Parses a laterality name; throws InvalidArgument naming `context`.
Laterality parseLaterality(std::string_view text, const std::string& context);

}  // namespace medsight
