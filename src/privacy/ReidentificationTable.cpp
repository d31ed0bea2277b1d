#include "privacy/ReidentificationTable.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/Error.h"
#include "privacy/AtRestCipher.h"
#include "privacy/StagedOutputFile.h"

namespace medsight {

ReidentificationTable ReidentificationTable::load(const std::filesystem::path& path,
                                                  const KeyFile& key) {
  ReidentificationTable table;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return table;
  std::ifstream in(path, std::ios::binary);
  std::stringstream sealed;
  sealed << in.rdbuf();
  const std::string plain = AtRestCipher(key).decrypt(sealed.str(), path.string());
  try {
    // Named, not iterated as a temporary: before C++23 (P2718) the parsed document of
    // `parse(plain).items()` dies before the loop body reads it.
    const nlohmann::json doc = nlohmann::json::parse(plain);
    for (const auto& [pseudonym, entry] : doc.items()) {
      table.entries_[pseudonym] = {entry.at("patient_id").get<std::string>(),
                                   entry.at("patient_name").get<std::string>()};
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::IntegrityViolation, path.string() +
                                                   ": re-identification table "
                                                   "content is malformed: " +
                                                   e.what());
  }
  return table;
}

void ReidentificationTable::save(const std::filesystem::path& path, const KeyFile& key) const {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [pseudonym, entry] : entries_) {
    // Names may be in any DICOM character set; keep bytes that are not UTF-8 readable.
    doc[pseudonym] = {{"patient_id", entry.patientId}, {"patient_name", entry.patientName}};
  }
  const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  StagedOutputFile::writeAll(path, AtRestCipher(key).encrypt(text), 0600);
}

}  // namespace medsight
