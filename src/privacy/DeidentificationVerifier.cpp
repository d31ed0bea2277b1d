#include "privacy/DeidentificationVerifier.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "privacy/ConfidentialityRuleTable.h"
#include "privacy/DeidentificationRun.h"
#include "privacy/DicomDatasetRewriter.h"
#include "privacy/Pseudonymizer.h"

namespace medsight {
namespace {

std::string tagText(const DcmTagKey& tag) {
  char text[16];
  std::snprintf(text, sizeof text, "(%04X,%04X)", tag.getGroup(), tag.getElement());
  return text;
}

std::string keywordOf(const DcmElement& element) {
  const DcmTagKey key = const_cast<DcmElement&>(element).getTag();
  if (key.getGroup() & 1) return "private";
  DcmTag tag(key);
  const char* name = tag.getTagName();
  return name ? name : "?";
}

std::vector<std::string> values(DcmElement& element) {
  std::vector<std::string> out;
  if (!element.isaString()) return out;
  OFString all;
  if (element.getOFStringArray(all).bad()) return out;
  std::string text(all.c_str());
  std::size_t start = 0;
  for (;;) {
    const auto sep = text.find('\\', start);
    std::string one =
        text.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    const auto first = one.find_first_not_of(" \0", 0, 2);
    const auto last = one.find_last_not_of(" \0", std::string::npos, 2);
    if (first != std::string::npos) out.push_back(one.substr(first, last - first + 1));
    if (sep == std::string::npos) break;
    start = sep + 1;
  }
  return out;
}

bool loadUtf8(DcmFileFormat& file, const std::filesystem::path& path, std::string* problem) {
  DicomDatasetRewriter::silenceDcmtkLog();
  const OFCondition status = file.loadFile(path.c_str());
  if (status.bad()) {
    if (problem) *problem = status.text();
    return false;
  }
  // Compare text in one encoding: originals and outputs may use different character sets.
  file.getDataset()->convertToUTF8();
  return true;
}

// Values that de-identifiers themselves write; an original holding one is not an identifier.
bool isPlaceholder(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const char* p : {"ANONYMIZED", "ANONYMOUS", "ANON", "UNKNOWN", "NONE", "N/A", "REMOVED"}) {
    if (value == p) return true;
  }
  return false;
}

template <typename Visit>
void walk(DcmItem& item, const std::string& prefix, int depth, const Visit& visit) {
  if (depth > 64) return;
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (!element) continue;
    const std::string path = prefix + tagText(element->getTag());
    visit(*element, path);
    if (element->ident() == EVR_SQ) {
      auto& sequence = static_cast<DcmSequenceOfItems&>(*element);
      for (unsigned long k = 0; k < sequence.card(); ++k) {
        walk(*sequence.getItem(k), path + "[" + std::to_string(k) + "]", depth + 1, visit);
      }
    }
  }
}

}  // namespace

std::size_t VerificationReport::count(const std::string& kind) const {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [&](const auto& f) { return f.kind == kind; }));
}

nlohmann::json VerificationReport::toJson(std::size_t maxFindings) const {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& f : findings) counts[f.kind] = counts.value(f.kind, 0) + 1;
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < findings.size() && i < maxFindings; ++i) {
    const auto& f = findings[i];
    list.push_back({{"file", f.file.string()},
                    {"tag", f.tag},
                    {"keyword", f.keyword},
                    {"kind", f.kind},
                    {"detail", f.detail}});
  }
  return {{"files_scanned", filesScanned},
          {"findings_total", findings.size()},
          {"counts", counts},
          {"findings", list}};
}

DeidentificationVerifier::DeidentificationVerifier(DeidentificationProfile profile,
                                                   SafePrivateList safePrivate)
    : profile_(std::move(profile)), safePrivate_(std::move(safePrivate)) {}

void DeidentificationVerifier::addOriginals(const std::filesystem::path& originals) {
  const auto& table = ConfidentialityRuleTable::standard();
  // Without originals the leftover-identifier check finds nothing, and a leak would pass as
  // "0 findings".
  std::error_code ec;
  if (!std::filesystem::exists(originals, ec)) {
    throw Error(ErrorCode::FileNotFound,
                originals.string() +
                    ": --originals not found; the check for identifiers left "
                    "in the outputs needs the original files");
  }
  std::size_t read = 0;
  for (const auto& path : DeidentificationRun::listInputs(originals)) {
    DcmFileFormat file;
    if (!loadUtf8(file, path, nullptr)) continue;
    ++read;
    OFString sop;
    file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, sop);
    auto& ownNames = containedBySop_[sop.c_str()];
    auto& ownValues = exactBySop_[sop.c_str()];
    walk(*file.getDataset(), "", 0, [&](DcmElement& element, const std::string&) {
      const DcmTagKey tag = element.getTag();
      const auto* rule = table.find(tag.getGroup(), tag.getElement());
      if (!element.isaString()) return;
      if (!rule) {
        // A value the profile keeps in another attribute (Manufacturer equal to Institution
        // Name, say) is not a leak the de-identifier could have prevented.
        if (!(tag.getGroup() & 1)) {
          for (const auto& value : values(element)) kept_.insert(value);
        }
        return;
      }
      // Descriptive free text is removed because it *may* hold identifiers; it is not an
      // identifier itself, and counting it would flag ordinary words ("CHEST") elsewhere.
      if (!rule->options[7].empty() || !rule->options[8].empty() || !rule->options[9].empty())
        return;
      const DeidAction action = profile_.resolve(*rule, false).action;
      if (action == DeidAction::Keep) {
        for (const auto& value : values(element)) kept_.insert(value);
        return;
      }
      const std::string vr = DcmVR(element.ident()).getValidVRName();
      if (vr == "TM" || vr == "CS" || vr == "DS" || vr == "IS" || vr == "US") return;
      if ((vr == "DA" || vr == "DT") && action == DeidAction::Clean) return;  // shifted on purpose
      for (const auto& value : values(element)) {
        if (value.size() < 3 || isPlaceholder(value)) continue;
        const std::string source = keywordOf(element);
        exact_.emplace(vr == "DT" ? value.substr(0, std::min<std::size_t>(8, value.size())) : value,
                       source);
        ownValues.insert(value);
        if (vr == "PN" || vr == "LO" || vr == "SH") {
          if (value.size() >= 5) contained_.push_back(value);
          if (value.size() >= 5) ownNames.push_back(value);
          if (vr == "PN") {  // name components, e.g. "Wang", "XiaoDong", "王"
            std::string part;
            for (char c : value + "^") {
              if (c == '^' || c == '=' || c == ' ') {
                if (part.size() >= 4) {
                  contained_.push_back(part);
                  ownNames.push_back(part);
                }
                part.clear();
              } else {
                part.push_back(c);
              }
            }
          }
        }
      }
    });
  }
  if (read == 0) {
    throw Error(ErrorCode::EmptyInput, originals.string() +
                                           ": --originals holds no readable DICOM file; the "
                                           "check for leftover identifiers needs them");
  }
  for (const auto& value : kept_) exact_.erase(value);
  contained_.erase(std::remove_if(contained_.begin(), contained_.end(),
                                  [&](const std::string& id) {
                                    for (const auto& k : kept_) {
                                      if (k.find(id) != std::string::npos) return true;
                                    }
                                    return false;
                                  }),
                   contained_.end());
  std::sort(contained_.begin(), contained_.end());
  for (auto& [sop, names] : containedBySop_) {
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const std::string& id) {
                                 return std::find(contained_.begin(), contained_.end(), id) ==
                                        contained_.end();
                               }),
                names.end());
  }
  contained_.erase(std::unique(contained_.begin(), contained_.end()), contained_.end());
}

void DeidentificationVerifier::setPairingKey(const KeyFile& key) {
  const Pseudonymizer pseudonymizer(key);
  const bool retained = profile_.has(ConfidentialityOption::RetainUids);
  for (const auto& [sop, names] : containedBySop_) {
    originalByOutputUid_[retained ? sop : pseudonymizer.replaceUid(sop)] = sop;
  }
}

VerificationReport DeidentificationVerifier::verify(const std::filesystem::path& folder) const {
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) {
    throw Error(ErrorCode::FileNotFound, folder.string() + ": folder not found");
  }
  const auto& table = ConfidentialityRuleTable::standard();
  const bool retainSafe = profile_.has(ConfidentialityOption::RetainSafePrivate);
  VerificationReport report;
  for (const auto& path : DeidentificationRun::listInputs(folder)) {
    const auto ext = path.extension().string();
    if (ext == ".txt" || ext == ".json") continue;  // quarantine reasons, summaries
    ++report.filesScanned;
    DcmFileFormat file;
    std::string problem;
    if (!loadUtf8(file, path, &problem)) {
      report.findings.push_back({path, "", "", "unreadable", problem});
      continue;
    }
    DcmDataset& dataset = *file.getDataset();
    OFString removed;
    if (dataset.findAndGetOFString(DCM_PatientIdentityRemoved, removed).bad() || removed != "YES") {
      report.findings.push_back({path, "(0012,0062)", "PatientIdentityRemoved", "marker-missing",
                                 "Patient Identity Removed is not YES"});
    }
    // Names and IDs to look for inside text: those of this file's original when it can be
    // paired, else those of every original.
    const std::vector<std::string>* names = &contained_;
    const std::set<std::string>* ownValues = nullptr;  // set when paired with its original
    if (!originalByOutputUid_.empty()) {
      OFString sop;
      dataset.findAndGetOFString(DCM_SOPInstanceUID, sop);
      const auto original = originalByOutputUid_.find(sop.c_str());
      if (original != originalByOutputUid_.end()) {
        names = &containedBySop_.at(original->second);
        ownValues = &exactBySop_.at(original->second);
      }
    }
    std::map<std::uint32_t, std::string> creators;
    walk(dataset, "", 0, [&](DcmElement& element, const std::string& at) {
      const DcmTagKey tag = element.getTag();
      if ((tag.getGroup() & 1) && tag.getElement() >= 0x10 && tag.getElement() <= 0xFF) {
        OFString creator;
        element.getOFString(creator, 0);
        creators[(std::uint32_t{tag.getGroup()} << 8) | tag.getElement()] = creator.c_str();
      }
    });
    walk(dataset, "", 0, [&](DcmElement& element, const std::string& at) {
      const DcmTagKey tag = element.getTag();
      const std::uint16_t g = tag.getGroup();
      const std::uint16_t e = tag.getElement();
      if (g == 0x0012 && (e == 0x0063 || e == 0x0064)) return;  // our own method description
      if (g & 1) {
        if (e >= 0x10 && e <= 0xFF) return;  // creators are judged with their elements
        const auto creator = creators.find((std::uint32_t{g} << 8) | (e >> 8));
        const bool safe =
            retainSafe && e > 0xFF && creator != creators.end() &&
            safePrivate_.isSafe(g, creator->second, static_cast<std::uint8_t>(e & 0xFF));
        if (!safe) {
          report.findings.push_back(
              {path, at, "private", "private-not-safe",
               "creator '" + (creator == creators.end() ? std::string("?") : creator->second) +
                   "'"});
        }
        return;
      }
      if (const auto* rule = table.find(g, e)) {
        const bool sequence = element.ident() == EVR_SQ;
        // An emptied attribute carries no information: only values (or items) left behind count.
        const bool hasContent = sequence ? static_cast<DcmSequenceOfItems&>(element).card() > 0
                                         : element.getLength() > 0;
        if (hasContent && profile_.resolve(*rule, sequence).action == DeidAction::Remove) {
          report.findings.push_back({path, at, keywordOf(element), "attribute-not-removed",
                                     "PS3.15 Table E.1-1 action " + profile_.effectiveCode(*rule)});
        }
      }
      if (exact_.empty() || (g == 0x0008 && e >= 0x0100 && e <= 0x0123)) return;
      const std::string vr = DcmVR(element.ident()).getValidVRName();
      if (vr == "DS" || vr == "IS" || vr == "TM") return;  // numbers are not names or IDs
      const bool text = vr == "PN" || vr == "LO" || vr == "SH" || vr == "ST" || vr == "LT" ||
                        vr == "UT" || vr == "UC";
      for (const auto& value : values(element)) {
        const std::string probe =
            vr == "DT" ? value.substr(0, std::min<std::size_t>(8, value.size())) : value;
        const auto exact = exact_.find(probe);
        std::string source = exact != exact_.end() ? "equals original " + exact->second : "";
        // Paired free text is held to its own original's identifiers: a short word that is a
        // name in another patient's file ("Test") is not a leak here.
        if (!source.empty() && text && vr != "PN" && ownValues && !ownValues->count(value)) {
          source.clear();
        }
        for (std::size_t k = 0; text && source.empty() && k < names->size(); ++k) {
          if (value.find((*names)[k]) != std::string::npos) {
            source = "contains an original name or ID";
          }
        }
        if (!source.empty()) {
          report.findings.push_back(
              {path, at, keywordOf(element), "identifier-left",
               "value (" + std::to_string(value.size()) + " bytes) " + source});
        }
      }
    });
  }
  return report;
}

}  // namespace medsight
