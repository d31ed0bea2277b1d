// Exercises every row of the rule table (PS3.15 Table E.1-1) under the Basic Profile and under
// each option alone: 631 rows x 11 profiles, each checked against the action the row demands.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <gtest/gtest.h>

#include <memory>

#include "privacy/ConfidentialityRuleTable.h"
#include "privacy/DateShifter.h"
#include "privacy/DicomDatasetRewriter.h"
#include "privacy/IdentifierScrubber.h"
#include "privacy/Pseudonymizer.h"
#include "privacy/SafePrivateList.h"

namespace medsight {
namespace {

const std::string kPseudonym = "MS0123456789ABCDEF";

std::string original(DcmEVR vr) {
  switch (vr) {
    case EVR_AE:
      return "STATION1";
    case EVR_AS:
      return "045Y";
    case EVR_CS:
      return "ORIGINAL";
    case EVR_DA:
      return "20200102";
    case EVR_DS:
      return "12.5";
    case EVR_DT:
      return "20200102101010";
    case EVR_IS:
      return "12";
    case EVR_PN:
      return "Roe^Richard";
    case EVR_TM:
      return "101010";
    case EVR_UI:
      return "1.2.826.0.1.3680043.2.1125.1";
    case EVR_UR:
      return "http://example.org/x";
    default:
      return "ORIGINAL TEXT";
  }
}

std::string stringOf(DcmItem& item, const DcmTagKey& tag) {
  DcmElement* element = nullptr;
  OFString value;
  if (item.findAndGetElement(tag, element).bad() || !element->isaString()) return {};
  element->getOFStringArray(value);
  return value.c_str();
}

/// Puts the attribute of `rule` into `dataset` with a recognisable value; returns its tag.
DcmTagKey instantiate(const ConfidentialityRule& rule, DcmDataset& dataset) {
  if (rule.privateAttributes) {
    dataset.putAndInsertString(DcmTag(0x0009, 0x0010, EVR_LO), "ACME PRIVATE");
    dataset.putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "SECRET");
    return DcmTagKey(0x0009, 0x1001);
  }
  const std::uint16_t group = rule.group;  // wildcard nibbles are 0 in the pattern
  const std::uint16_t element = rule.elementMask == 0 ? 0x3000 : rule.element;
  DcmTag tag(group, element);
  DcmEVR vr = tag.getVR().getValidEVR();
  if (vr == EVR_UN || vr == EVR_UNKNOWN || vr == EVR_UNKNOWN2B) vr = EVR_LO;
  tag.setVR(DcmVR(vr));
  DcmElement* created = nullptr;
  EXPECT_TRUE(DcmItem::newDicomElementWithVR(created, tag).good()) << rule.tagText();
  if (vr == EVR_SQ) {
    auto* item = new DcmItem();  // ownership passes to the sequence (DCMTK API)
    item->putAndInsertString(DCM_CodeValue, "CODE1");
    item->putAndInsertString(DCM_PatientName, "Roe^Richard");
    static_cast<DcmSequenceOfItems*>(created)->append(item);
  } else if (created->isaString()) {
    created->putString(original(vr).c_str());
  } else {
    const Uint8 bytes[4] = {1, 2, 3, 4};
    switch (vr) {
      case EVR_US:
        created->putUint16(7);
        break;
      case EVR_SS:
        created->putSint16(7);
        break;
      case EVR_UL:
        created->putUint32(7);
        break;
      case EVR_SL:
        created->putSint32(7);
        break;
      case EVR_FL:
        created->putFloat32(7);
        break;
      case EVR_FD:
        created->putFloat64(7);
        break;
      case EVR_AT:
        created->putTagVal(DcmTagKey(0x0010, 0x0010));
        break;
      default:
        created->putUint8Array(bytes, 4);
        break;
    }
  }
  EXPECT_TRUE(dataset.insert(created, OFTrue).good());
  return DcmTagKey(group, element);
}

void checkRow(const ConfidentialityRule& rule, const DeidentificationProfile& profile,
              const Pseudonymizer& pseudonymizer, const std::string& label) {
  DcmDataset dataset;
  const DcmTagKey tag = instantiate(rule, dataset);
  DcmElement* before = nullptr;
  dataset.findAndGetElement(tag, before);
  const DcmEVR vr = before->ident();
  const bool sequence = vr == EVR_SQ;
  const std::string value = stringOf(dataset, tag);

  IdentifierScrubber scrubber;
  scrubber.addIdentifier("Roe^Richard", true);
  const DateShifter dates(-30);
  DicomDatasetRewriter rewriter(profile, pseudonymizer, SafePrivateList::builtIn(), scrubber, dates,
                                kPseudonym);
  rewriter.rewrite(dataset);

  const std::string where = label + " " + rule.tagText() + " " + rule.keyword;
  int column = -1;
  const std::string code = rule.privateAttributes ? profile.effectiveCode(rule, &column)
                                                  : profile.effectiveCode(rule, &column);
  if (rule.privateAttributes) {
    // No entry of the safe list matches this private creator: removed under every option.
    EXPECT_FALSE(dataset.tagExists(tag)) << where;
    EXPECT_FALSE(dataset.tagExists(DcmTagKey(0x0009, 0x0010))) << where << " (creator)";
    return;
  }
  const bool present = dataset.tagExists(tag);
  DcmElement* after = nullptr;
  dataset.findAndGetElement(tag, after);
  const std::string now = present ? stringOf(dataset, tag) : "";
  const bool identity = tag == DCM_PatientName || tag == DCM_PatientID;
  switch (DeidentificationProfile::resolveCode(code, sequence)) {
    case DeidAction::Remove:
      EXPECT_FALSE(present) << where << " must be removed (" << code << ")";
      break;
    case DeidAction::Empty:
      ASSERT_TRUE(present) << where << " must stay, empty (" << code << ")";
      if (identity) {
        EXPECT_EQ(now, kPseudonym) << where;
      } else if (sequence) {
        EXPECT_EQ(static_cast<DcmSequenceOfItems*>(after)->card(), 0u) << where;
      } else {
        EXPECT_EQ(after->getLength(), 0u) << where;
      }
      break;
    case DeidAction::Dummy:
      ASSERT_TRUE(present) << where << " must stay with a dummy (" << code << ")";
      if (sequence) {
        auto* item = static_cast<DcmSequenceOfItems*>(after)->getItem(0);
        EXPECT_NE(stringOf(*item, DCM_PatientName), "Roe^Richard") << where << " item not cleaned";
      } else {
        EXPECT_GT(after->getLength(), 0u) << where;
        if (after->isaString()) {
          EXPECT_NE(now, value) << where;
        }
        if (identity) {
          EXPECT_EQ(now, kPseudonym) << where;
        }
      }
      break;
    case DeidAction::Keep:
    case DeidAction::KeepReferences:
      ASSERT_TRUE(present) << where << " must be kept (" << code << ")";
      if (sequence) {
        auto* item = static_cast<DcmSequenceOfItems*>(after)->getItem(0);
        ASSERT_NE(item, nullptr) << where;
        EXPECT_EQ(stringOf(*item, DCM_CodeValue), "CODE1") << where;
        EXPECT_EQ(stringOf(*item, DCM_PatientName), kPseudonym) << where << " nested name";
      } else if (after->isaString()) {
        EXPECT_EQ(now, value) << where;
      }
      break;
    case DeidAction::Clean: {
      const bool dateColumn =
          column == static_cast<int>(ConfidentialityOption::RetainLongitudinalModifiedDates);
      if (dateColumn && vr != EVR_DA && vr != EVR_DT && vr != EVR_TM && !sequence) {
        EXPECT_FALSE(present) << where << " (timestamp that cannot be shifted)";
      } else if (vr == EVR_DA) {
        EXPECT_EQ(now, *dates.shiftDate(value)) << where;
      } else if (vr == EVR_DT) {
        EXPECT_EQ(now, *dates.shiftDateTime(value)) << where;
      } else if (vr == EVR_AE) {
        EXPECT_EQ(now.rfind("AE", 0), 0u) << where;
        EXPECT_NE(now, value) << where;
      } else if (vr == EVR_PN) {
        EXPECT_NE(now, value) << where;
      } else if (sequence) {
        ASSERT_TRUE(present) << where;
        auto* item = static_cast<DcmSequenceOfItems*>(after)->getItem(0);
        EXPECT_NE(stringOf(*item, DCM_PatientName), "Roe^Richard") << where;
      } else {
        EXPECT_TRUE(present) << where << " cleaned values stay";
      }
      break;
    }
    case DeidAction::ReplaceUid:
      ASSERT_TRUE(present) << where;
      if (vr == EVR_UI) {
        EXPECT_EQ(now, pseudonymizer.replaceUid(value)) << where;
      } else {
        EXPECT_EQ(after->getLength(), 0u) << where << " (UID row with a non-UI VR)";
      }
      break;
  }
}

TEST(RuleCoverage, EveryRowUnderTheBasicProfileAndEachOption) {
  const Pseudonymizer pseudonymizer(KeyFile::fromBytes(std::string(32, 'r')));
  std::vector<std::pair<std::string, DeidentificationProfile>> profiles{
      {"basic", DeidentificationProfile{}}};
  for (std::size_t i = 0; i < kConfidentialityOptionColumns; ++i) {
    const auto option = static_cast<ConfidentialityOption>(i);
    profiles.emplace_back(DeidentificationProfile::optionName(option),
                          DeidentificationProfile({option}));
  }
  std::size_t checked = 0;
  for (const auto& [label, profile] : profiles) {
    for (const auto& rule : ConfidentialityRuleTable::standard().rules()) {
      checkRow(rule, profile, pseudonymizer, label);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 631u * 11u);
}

TEST(RuleCoverage, SafePrivateAttributesAreKeptOnlyWithTheOption) {
  const Pseudonymizer pseudonymizer(KeyFile::fromBytes(std::string(32, 'r')));
  IdentifierScrubber scrubber;
  const DateShifter dates(-1);
  for (const bool retain : {false, true}) {
    DcmDataset dataset;
    dataset.putAndInsertString(DcmTag(0x0019, 0x0010, EVR_LO), "SIEMENS MR HEADER");
    dataset.putAndInsertString(DcmTag(0x0019, 0x100C, EVR_IS), "1000");  // B_value: safe
    dataset.putAndInsertString(DcmTag(0x0019, 0x1008, EVR_LO), "NAME");  // not on the list
    const DeidentificationProfile profile =
        retain ? DeidentificationProfile({ConfidentialityOption::RetainSafePrivate})
               : DeidentificationProfile();
    DicomDatasetRewriter rewriter(profile, pseudonymizer, SafePrivateList::builtIn(), scrubber,
                                  dates, kPseudonym);
    rewriter.rewrite(dataset);
    EXPECT_EQ(dataset.tagExists(DcmTagKey(0x0019, 0x100C)), retain);
    EXPECT_EQ(dataset.tagExists(DcmTagKey(0x0019, 0x0010)), retain) << "creator follows its block";
    EXPECT_FALSE(dataset.tagExists(DcmTagKey(0x0019, 0x1008)));
  }
}

}  // namespace
}  // namespace medsight
