#include "privacy/DicomDatasetRewriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <dcmtk/oflog/oflog.h>

#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "core/Error.h"

namespace medsight {
namespace {

std::string vrName(const DcmElement& element) {
  return DcmVR(const_cast<DcmElement&>(element).ident()).getValidVRName();
}

bool isSequence(const DcmElement& element) {
  return const_cast<DcmElement&>(element).ident() == EVR_SQ;
}

std::string stringValue(DcmElement& element) {
  OFString value;
  if (!element.isaString() || element.getOFStringArray(value).bad()) return {};
  return std::string(value.c_str());
}

bool isTextVr(const std::string& vr) {
  return vr == "LO" || vr == "SH" || vr == "ST" || vr == "LT" || vr == "UT" || vr == "UC";
}

// Coded-entry attributes (PS3.3 Table 8.8-1, group 0008 elements 0100-0123) describe concepts,
// not people: structured content keeps them so SR trees stay interpretable.
bool isCodedEntryAttribute(const DcmTagKey& tag) {
  return tag.getGroup() == 0x0008 && tag.getElement() >= 0x0100 && tag.getElement() <= 0x0123;
}

constexpr int kMaxDepth = 64;  // hostile files can nest sequences arbitrarily deep

}  // namespace

DicomDatasetRewriter::DicomDatasetRewriter(const DeidentificationProfile& profile,
                                           const Pseudonymizer& pseudonymizer,
                                           const SafePrivateList& safePrivate,
                                           const IdentifierScrubber& scrubber,
                                           const DateShifter& dates, std::string patientPseudonym)
    : profile_(profile),
      pseudonymizer_(pseudonymizer),
      safePrivate_(safePrivate),
      scrubber_(scrubber),
      dates_(dates),
      pseudonym_(std::move(patientPseudonym)) {}

std::string DicomDatasetRewriter::dummyFor(const std::string& vr) {
  if (vr == "AE") return "ANONYMOUS";
  if (vr == "AS") return "000Y";
  if (vr == "CS") return "ANONYMIZED";
  if (vr == "DA") return "19000101";
  if (vr == "DT") return "19000101000000";
  if (vr == "TM") return "000000";
  if (vr == "DS" || vr == "IS") return "0";
  if (vr == "UR") return "urn:medsight:anonymized";
  return "ANONYMIZED";  // LO SH ST LT UT UC PN
}

void DicomDatasetRewriter::silenceDcmtkLog() {
  static std::once_flag once;
  std::call_once(once, [] { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); });
}

void DicomDatasetRewriter::rewrite(DcmItem& dataset) {
  rewriteItem(dataset, Mode::Normal, 0);
}

void DicomDatasetRewriter::recurse(DcmElement& element, Mode mode, int depth) {
  auto& sequence = static_cast<DcmSequenceOfItems&>(element);
  for (unsigned long i = 0; i < sequence.card(); ++i) {
    if (DcmItem* item = sequence.getItem(i)) rewriteItem(*item, mode, depth + 1);
  }
}

void DicomDatasetRewriter::rewriteItem(DcmItem& item, Mode mode, int depth) {
  if (depth > kMaxDepth) {
    throw Error(ErrorCode::CorruptData,
                "sequences nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  const auto& table = ConfidentialityRuleTable::standard();
  std::vector<DcmTagKey> removals;
  bool hasPrivate = false;
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (!element) continue;
    const DcmTagKey tag = element->getTag();
    if (tag.getElement() == 0x0000) {  // group length: recomputed by the writer
      removals.push_back(tag);
      continue;
    }
    if (tag.getGroup() & 1) {
      hasPrivate = true;
      continue;
    }
    if (table.find(tag.getGroup(), tag.getElement()) == nullptr) {
      if (isSequence(*element)) {
        recurse(*element, mode, depth);
      } else if (mode != Mode::Normal && !isCodedEntryAttribute(tag)) {
        applyMode(*element, mode);
      }
      continue;
    }
    bool remove = false;
    applyRule(item, *element, mode, depth, remove);
    if (remove) removals.push_back(tag);
  }
  for (const auto& tag : removals) {
    item.findAndDeleteElement(tag, OFFalse, OFFalse);
    if (tag.getElement() != 0x0000) ++counts_.removed;
  }
  if (hasPrivate) rewritePrivate(item, depth);
}

void DicomDatasetRewriter::applyRule(DcmItem& item, DcmElement& element, Mode mode, int depth,
                                     bool& remove) {
  const DcmTagKey tag = element.getTag();
  const auto* rule = ConfidentialityRuleTable::standard().find(tag.getGroup(), tag.getElement());
  const bool sequence = isSequence(element);
  const ResolvedAction action = profile_.resolve(*rule, sequence);
  const bool patientIdentity = tag == DCM_PatientName || tag == DCM_PatientID;
  switch (action.action) {
    case DeidAction::Remove:
      remove = true;
      return;
    case DeidAction::Empty:
    case DeidAction::Dummy:
      if (patientIdentity) {  // the pseudonym is a permitted dummy value and keeps studies linked
        element.putString(pseudonym_.c_str());
        ++counts_.dummied;
      } else if (action.action == DeidAction::Empty) {
        if (sequence) {
          static_cast<DcmSequenceOfItems&>(element).clear();
        } else {
          element.clear();
        }
        ++counts_.emptied;
      } else if (sequence) {
        recurse(element, Mode::Dummy, depth);
      } else {
        putDummy(element);
      }
      return;
    case DeidAction::Keep:
    case DeidAction::KeepReferences:
      if (sequence) recurse(element, mode == Mode::Dummy ? Mode::Dummy : Mode::Normal, depth);
      return;
    case DeidAction::Clean:
      clean(item, element, action.column, depth, remove);
      return;
    case DeidAction::ReplaceUid:
      replaceUids(element);
      return;
  }
}

void DicomDatasetRewriter::putDummy(DcmElement& element) {
  ++counts_.dummied;
  const std::string vr = vrName(element);
  switch (element.ident()) {
    case EVR_SQ:  // callers recurse into sequences themselves (depth is tracked there)
      --counts_.dummied;
      return;
    case EVR_UI:
      --counts_.dummied;
      replaceUids(element);
      return;
    case EVR_US:
      element.putUint16(0);
      return;
    case EVR_SS:
      element.putSint16(0);
      return;
    case EVR_UL:
      element.putUint32(0);
      return;
    case EVR_SL:
      element.putSint32(0);
      return;
    case EVR_FL:
      element.putFloat32(0);
      return;
    case EVR_FD:
      element.putFloat64(0);
      return;
    case EVR_AT:
      element.putTagVal(DcmTagKey(0, 0));
      return;
    default:
      break;
  }
  if (element.isaString()) {
    element.putString(dummyFor(vr).c_str());
    return;
  }
  // OB, OW, UN and other binary VRs: two zero bytes are a valid non-empty value.
  const Uint8 zeros[2] = {0, 0};
  if (element.putUint8Array(zeros, 2).bad()) {
    const Uint16 zero = 0;
    element.putUint16Array(&zero, 1);
  }
}

void DicomDatasetRewriter::replaceUids(DcmElement& element) {
  if (element.ident() != EVR_UI) {
    // A UID row read with an unknown VR (implicit-VR file, dictionary gap): drop it rather than
    // guess how to rewrite bytes we cannot interpret.
    element.clear();
    ++counts_.emptied;
    return;
  }
  const std::string value = stringValue(element);
  if (value.empty()) return;
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto sep = value.find('\\', start);
    std::string one =
        value.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    while (!one.empty() && (one.back() == ' ' || one.back() == '\0')) one.pop_back();
    out += one.empty() ? one : pseudonymizer_.replaceUid(one);
    ++counts_.uidsReplaced;
    if (sep == std::string::npos) break;
    out.push_back('\\');
    start = sep + 1;
  }
  element.putOFStringArray(out.c_str());
}

void DicomDatasetRewriter::shiftOrDummyDate(DcmElement& element, bool keep) {
  if (keep) return;
  const std::string vr = vrName(element);
  if (!profile_.has(ConfidentialityOption::RetainLongitudinalModifiedDates)) {
    element.putString(dummyFor(vr).c_str());
    ++counts_.dummied;
    return;
  }
  const std::string value = stringValue(element);
  if (value.empty()) return;
  const auto shifted = vr == "DA" ? dates_.shiftDate(value) : dates_.shiftDateTime(value);
  element.putString(shifted ? shifted->c_str() : dummyFor(vr).c_str());
  ++counts_.cleaned;
}

void DicomDatasetRewriter::clean(DcmItem& item, DcmElement& element, int column, int depth,
                                 bool& remove) {
  const std::string vr = vrName(element);
  const bool fullDates = profile_.has(ConfidentialityOption::RetainLongitudinalFullDates);
  if (isSequence(element)) {
    recurse(element, Mode::Clean, depth);
    return;
  }
  if (vr == "DA" || vr == "DT") {
    shiftOrDummyDate(element, fullDates);
    return;
  }
  if (vr == "TM") return;  // times of day stay with the (shifted) dates they belong to
  if (column == static_cast<int>(ConfidentialityOption::RetainLongitudinalModifiedDates)) {
    remove = true;  // timestamps in other encodings (OB, SH offsets) cannot be shifted safely
    return;
  }
  if (vr == "AE") {  // consistent replacement keeps routing meaning without naming the node
    element.putString(("AE" + pseudonymizer_.token("ae", stringValue(element), 8)).c_str());
    ++counts_.cleaned;
    return;
  }
  if (vr == "PN") {
    putDummy(element);
    return;
  }
  if (element.isaString()) {
    const std::string value = stringValue(element);
    const std::string scrubbed = scrubber_.scrub(value);
    if (scrubbed != value) element.putOFStringArray(scrubbed.c_str());
    ++counts_.cleaned;
  }
  // Binary graphics (Overlay Data, Curve Data) are kept: the Clean Graphics Option concerns
  // their text, and burned-in pixels are handled by the burned-in annotation screen.
  (void)item;
}

void DicomDatasetRewriter::applyMode(DcmElement& element, Mode mode) {
  const std::string vr = vrName(element);
  if (mode == Mode::Dummy) {
    if (vr == "PN" || vr == "AE" || vr == "DA" || vr == "DT" || vr == "TM" || vr == "AS" ||
        vr == "UR" || isTextVr(vr)) {
      if (!stringValue(element).empty()) putDummy(element);
    }
    return;
  }
  // Clean mode (structured content, descriptors, graphics sequences).
  const bool longitudinal = profile_.has(ConfidentialityOption::RetainLongitudinalFullDates) ||
                            profile_.has(ConfidentialityOption::RetainLongitudinalModifiedDates);
  if (vr == "PN") {
    if (!stringValue(element).empty()) putDummy(element);
  } else if (vr == "DA" || vr == "DT") {
    if (!stringValue(element).empty()) {
      shiftOrDummyDate(element, profile_.has(ConfidentialityOption::RetainLongitudinalFullDates));
    }
  } else if (vr == "TM") {
    if (!longitudinal && !stringValue(element).empty()) putDummy(element);
  } else if (isTextVr(vr)) {
    const std::string value = stringValue(element);
    const std::string scrubbed = scrubber_.scrub(value);
    if (scrubbed != value) {
      element.putOFStringArray(scrubbed.c_str());
      ++counts_.cleaned;
    }
  }
}

void DicomDatasetRewriter::rewritePrivate(DcmItem& item, int depth) {
  const bool retainSafe = profile_.has(ConfidentialityOption::RetainSafePrivate);
  std::map<std::uint32_t, std::string> creators;  // (group << 8 | block) -> creator
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    const DcmTagKey tag = element->getTag();
    if ((tag.getGroup() & 1) && tag.getElement() >= 0x10 && tag.getElement() <= 0xFF) {
      creators[(std::uint32_t{tag.getGroup()} << 8) | tag.getElement()] = stringValue(*element);
    }
  }
  std::vector<DcmTagKey> removals;
  std::set<std::uint32_t> usedBlocks;
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    const DcmTagKey tag = element->getTag();
    if (!(tag.getGroup() & 1)) continue;
    const std::uint16_t e = tag.getElement();
    if (e >= 0x10 && e <= 0xFF) continue;  // creators decided below
    const std::uint32_t block = (std::uint32_t{tag.getGroup()} << 8) | (e >> 8);
    const auto creator = creators.find(block);
    const bool keep =
        retainSafe && e > 0xFF && creator != creators.end() &&
        safePrivate_.isSafe(tag.getGroup(), creator->second, static_cast<std::uint8_t>(e & 0xFF));
    if (keep) {
      usedBlocks.insert(block);
      ++counts_.privateKept;
      if (isSequence(*element)) recurse(*element, Mode::Normal, depth);
    } else {
      removals.push_back(tag);
    }
  }
  for (const auto& [block, creator] : creators) {
    if (!usedBlocks.count(block)) {
      removals.emplace_back(static_cast<Uint16>(block >> 8), static_cast<Uint16>(block & 0xFF));
    }
  }
  for (const auto& tag : removals) {
    if (item.findAndDeleteElement(tag, OFFalse, OFFalse).good()) ++counts_.removed;
  }
}

}  // namespace medsight
