#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "language/FindingAttributes.h"
#include "language/MessageCatalogue.h"

namespace medsight {

/// \brief One finding a doctor has signed off.
struct SignedFinding {
  /// \brief Concept id ("pneumonia").
  std::string conceptId;
  /// \brief True if present, false if the doctor confirmed it absent.
  bool present = true;
  /// \brief How sure the (AI-assisted) reading is, in [0, 1], if known.
  std::optional<double> probability;
  /// \brief Side.
  Laterality laterality = Laterality::Unspecified;
  /// \brief Location value from anatomy.tsv, or "".
  std::string location;
  /// \brief How many (nodules, fractures, ...), at least 1.
  int count = 1;
};

/// \brief A signed study: what was imaged, who signed, and the signed findings.
struct SignedStudy {
  /// \brief DICOM modality code (CR, DX, CT, MR, US, PT).
  std::string modality;
  /// \brief Body part ("chest", "head", ...).
  std::string bodyPart;
  /// \brief Name of the signing doctor (required).
  std::string signedBy;
  /// \brief "female", "male" or "other" (chooses pronouns where the language has them).
  std::string signerGender = "other";
  /// \brief Date of signing as the caller wants it shown, or "".
  std::string signedOn;
  /// \brief Signed findings.
  std::vector<SignedFinding> findings;
};

/// \brief A plain-language summary: sentences in order.
struct PatientSummary {
  /// \brief "en" or "zh".
  std::string language;
  /// \brief The sentences.
  std::vector<std::string> sentences;
  /// \brief Sentences joined with spaces (English) or directly (Chinese).
  std::string text() const;
};

/// \brief Writes patient summaries in English or Chinese from signed findings only, using the
/// message catalogue (no free text is generated, so nothing can be invented): what was looked
/// at, what was found and where, how sure, what happens next, and that a doctor signed it.
class PatientSummaryWriter {
 public:
  /// \brief Loads the catalogue section for `language` (English or Chinese).
  PatientSummaryWriter(const std::filesystem::path& catalogue, TextLanguage language);

  /// \brief Reads a signed study from JSON; throws BadJson for wrong types and
  /// InvalidArgument when it is not signed or values are out of range, naming `inputName`.
  static SignedStudy parse(const nlohmann::json& json, const std::string& inputName);

  /// \brief The summary; throws InvalidArgument for a concept or location the catalogue has
  /// no wording for (rather than inventing one).
  PatientSummary write(const SignedStudy& study) const;

 private:
  MessageCatalogue catalogue_;
  TextLanguage language_;
};

}  // namespace medsight
