// De-identification of real DICOM files (pydicom samples, soft-tissue-sarcoma cohort).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dctk.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/Error.h"

#include "privacy/DeidentificationVerifier.h"
#include "privacy/DicomDeidentifier.h"
#include "privacy/Pseudonymizer.h"
#include "support/TestData.h"

namespace medsight {
namespace {

const KeyFile kKey = KeyFile::fromBytes(std::string(32, 'k'));

std::string get(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  item.findAndGetOFStringArray(tag, v);
  return v.c_str();
}

std::string pixelBytes(const std::filesystem::path& path) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good()) << path;
  DcmElement* pixels = nullptr;
  if (file.getDataset()->findAndGetElement(DCM_PixelData, pixels).bad()) return {};
  auto* pixelData = static_cast<DcmPixelData*>(pixels);
  DcmPixelSequence* sequence = nullptr;
  E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  if (DcmXfer(xfer).isEncapsulated() &&
      pixelData->getEncapsulatedRepresentation(xfer, nullptr, sequence).good() && sequence) {
    std::string out;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      DcmPixelItem* item = nullptr;
      sequence->getItem(item, i);
      Uint8* data = nullptr;
      item->getUint8Array(data);
      out.append(reinterpret_cast<const char*>(data), item->getLength());
    }
    return out;
  }
  Uint8* data = nullptr;
  pixels->getUint8Array(data);
  return std::string(reinterpret_cast<const char*>(data), pixels->getLength());
}

void collectReferences(DcmItem& item, std::set<std::string>& out,
                       const DcmTagKey& tag = DCM_ReferencedSOPInstanceUID) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (element->getTag() == tag) {
      OFString uid;
      element->getOFString(uid, 0);
      std::string text = uid.c_str();
      while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.pop_back();
      out.insert(text);
    }
    if (element->ident() == EVR_SQ) {
      auto* sequence = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long k = 0; k < sequence->card(); ++k) {
        collectReferences(*sequence->getItem(k), out, tag);
      }
    }
  }
}

int dcmdump(const std::filesystem::path& path) {
  std::string out, err;
  return test::runCommand("dcmdump -q " + path.string() + " > /dev/null", &out, &err);
}

TEST(DicomDeidentifierData, SamplesKeepPixelsParseInDcmdumpAndLeaveNoIdentifiers) {
  MEDSIGHT_DATASET(samples, "dicom-samples/test_files");
  const auto out = test::temporaryDirectory("deid-samples");
  const DicomDeidentifier deid(DeidentificationProfile(), kKey);
  for (const char* name : {"CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm",
                           "MR_small_RLE.dcm", "rtstruct.dcm", "rtplan.dcm", "test-SR.dcm",
                           "waveform_ecg.dcm", "image_dfl.dcm"}) {
    const auto input = samples / name;
    const auto result = deid.deidentify(input, out / "out", out / "quarantine");
    EXPECT_EQ(dcmdump(result.output), 0) << name << " does not parse after de-identification";
    EXPECT_EQ(pixelBytes(result.output), pixelBytes(input)) << name << ": pixel data changed";
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(result.output.c_str()).good());
    DcmDataset& ds = *file.getDataset();
    EXPECT_EQ(get(ds, DCM_PatientIdentityRemoved), "YES") << name;
    EXPECT_EQ(get(ds, DCM_PatientID), result.pseudonym) << name;
    EXPECT_EQ(get(*file.getMetaInfo(), DCM_MediaStorageSOPInstanceUID),
              get(ds, DCM_SOPInstanceUID));
    EXPECT_EQ(get(ds, DCM_SOPInstanceUID).rfind("2.25.", 0), 0u) << name;
  }
  DeidentificationVerifier verifier(DeidentificationProfile(), SafePrivateList::builtIn());
  verifier.addOriginals(samples / "CT_small.dcm");
  for (const char* name : {"MR_small.dcm", "rtstruct.dcm", "rtplan.dcm", "test-SR.dcm"}) {
    verifier.addOriginals(samples / name);
  }
  ASSERT_GT(verifier.identifierCount(), 10u);
  const auto report = verifier.verify(out / "out");
  EXPECT_EQ(report.findings.size(), 0u) << report.toJson().dump(2);
}

TEST(DicomDeidentifierData, ChineseNamesInUtf8AndGb18030AreRemoved) {
  MEDSIGHT_DATASET(charsets, "dicom-samples/charset_files");
  const auto out = test::temporaryDirectory("deid-charset");
  const DicomDeidentifier deid(DeidentificationProfile(), kKey);
  for (const char* name : {"chrX1.dcm", "chrX2.dcm", "chrH31.dcm", "chrGreek.dcm", "chrRuss.dcm"}) {
    const auto result = deid.deidentify(charsets / name, out / "out", out / "quarantine");
    EXPECT_FALSE(result.originalPatientName.empty()) << name;
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(result.output.c_str()).good());
    EXPECT_EQ(get(*file.getDataset(), DCM_PatientName), result.pseudonym) << name;
    EXPECT_EQ(dcmdump(result.output), 0) << name;
  }
  DeidentificationVerifier verifier(DeidentificationProfile(), SafePrivateList::builtIn());
  verifier.addOriginals(charsets);
  // Secondary captures go to quarantine (burned-in text screen); both folders must be clean.
  for (const char* folder : {"out", "quarantine"}) {
    if (!std::filesystem::exists(out / folder)) continue;
    const auto report = verifier.verify(out / folder);
    EXPECT_EQ(report.findings.size(), 0u) << folder << ": " << report.toJson().dump(2);
  }
}

TEST(DicomDeidentifierData, PrivateSequencesAreRemovedAtEveryDepth) {
  MEDSIGHT_DATASET(samples, "dicom-samples/test_files");
  const auto out = test::temporaryDirectory("deid-private");
  const DicomDeidentifier deid(DeidentificationProfile(), kKey);
  for (const char* name : {"priv_SQ.dcm", "nested_priv_SQ.dcm"}) {
    DeidentifiedFile result;
    try {
      result = deid.deidentify(samples / name, out / "out", out / "q");
    } catch (const Error& e) {
      // Fragments without any Part 10 header are refused with a clear message.
      EXPECT_EQ(e.code(), ErrorCode::UnsupportedFormat) << e.what();
      continue;
    }
    EXPECT_GT(result.counts.removed, 0u);
    DeidentificationVerifier verifier(DeidentificationProfile(), SafePrivateList::builtIn());
    EXPECT_EQ(verifier.verify(result.output).count("private-not-safe"), 0u) << name;
  }
  // A real image with private tags: CT_small carries GE private groups.
  const auto ct = deid.deidentify(samples / "CT_small.dcm", out / "out", out / "q");
  DeidentificationVerifier verifier(DeidentificationProfile(), SafePrivateList::builtIn());
  EXPECT_EQ(verifier.verify(ct.output).count("private-not-safe"), 0u);
}

TEST(DicomDeidentifierData, SarcomaSeriesStayLinkedUnderNewUidsAndShiftedDates) {
  MEDSIGHT_DATASET(patient, "sts/dicom/STS_001");
  const auto out = test::temporaryDirectory("deid-sts");
  const DicomDeidentifier deid(
      DeidentificationProfile({ConfidentialityOption::RetainLongitudinalModifiedDates}), kKey);
  std::set<std::string> pseudonyms, studies, newSops;
  std::set<std::string> rtReferences, originalReferences, rtFrames, imageFrames;
  std::map<std::string, std::string> originalDates, newDates;  // modality -> study date
  for (const auto& entry : std::filesystem::recursive_directory_iterator(patient)) {
    if (!entry.is_regular_file()) continue;
    const auto result = deid.deidentify(entry.path(), out / "out", out / "quarantine");
    ASSERT_EQ(result.status, "done") << entry.path() << ": " << result.reason;
    pseudonyms.insert(result.pseudonym);
    DcmFileFormat original, file;
    ASSERT_TRUE(original.loadFile(entry.path().c_str()).good());
    ASSERT_TRUE(file.loadFile(result.output.c_str()).good());
    DcmDataset& ds = *file.getDataset();
    studies.insert(get(ds, DCM_StudyInstanceUID));
    newSops.insert(get(ds, DCM_SOPInstanceUID));
    const std::string modality = get(ds, DCM_Modality);
    originalDates[modality] = get(*original.getDataset(), DCM_StudyDate);
    newDates[modality] = get(ds, DCM_StudyDate);
    EXPECT_EQ(get(ds, DCM_LongitudinalTemporalInformationModified), "MODIFIED");
    if (modality == "RTSTRUCT") {
      collectReferences(ds, rtReferences);
      collectReferences(*original.getDataset(), originalReferences);
      collectReferences(ds, rtFrames, DCM_ReferencedFrameOfReferenceUID);
    } else {
      imageFrames.insert(get(ds, DCM_FrameOfReferenceUID));
    }
  }
  EXPECT_EQ(pseudonyms.size(), 1u) << "one patient, one pseudonym";
  ASSERT_FALSE(rtReferences.empty());
  // Every UID reference inside the RTSTRUCT's nested sequences is replaced exactly as the
  // referenced instance's own UID would be (the contours reference the uncropped series, so the
  // link is checked through the mapping and the frame of reference).
  std::set<std::string> expected;
  const Pseudonymizer mapping(kKey);
  for (const auto& uid : originalReferences) expected.insert(mapping.replaceUid(uid));
  EXPECT_EQ(rtReferences, expected);
  ASSERT_FALSE(rtFrames.empty());
  for (const auto& frame : rtFrames) {
    EXPECT_TRUE(imageFrames.count(frame))
        << "RTSTRUCT frame of reference " << frame << " does not match the de-identified images";
  }
  // All dates of the patient moved by the same number of days: intervals preserved.
  const int shift = Pseudonymizer(kKey).dateShiftDays(std::string("STS_001"));
  for (const auto& [modality, date] : originalDates) {
    if (date.size() != 8) continue;
    EXPECT_EQ(newDates[modality], *DateShifter(shift).shiftDate(date)) << modality;
  }
  DeidentificationVerifier verifier(
      DeidentificationProfile({ConfidentialityOption::RetainLongitudinalModifiedDates}),
      SafePrivateList::builtIn());
  verifier.addOriginals(patient);
  const auto report = verifier.verify(out / "out");
  EXPECT_EQ(report.findings.size(), 0u) << report.toJson(20).dump(2);
}

}  // namespace
}  // namespace medsight

namespace medsight {
namespace {

TEST(DicomDeidentifierData, UltrasoundIsQuarantinedUnlessADeviceRuleCleansItsPixels) {
  MEDSIGHT_DATASET(samples, "dicom-samples/test_files");
  const auto input = samples / "examples_ybr_color.dcm";  // SonoSite US, JPEG baseline
  const auto out = test::temporaryDirectory("deid-us");
  {
    const DicomDeidentifier deid(DeidentificationProfile(), kKey);
    const auto result = deid.deidentify(input, out / "out", out / "quarantine");
    EXPECT_EQ(result.status, "quarantined");
    EXPECT_NE(result.reason.find("modality US"), std::string::npos) << result.reason;
    EXPECT_EQ(result.output.string().find((out / "quarantine").string()), 0u);
    EXPECT_TRUE(std::filesystem::exists(result.output.string() + ".reason.txt"));
    EXPECT_FALSE(std::filesystem::exists(out / "out"));
  }
  BurnedInAnnotationScreen screen;
  screen.addRule({"sonosite", "", 240, 320, {{{0, 0, 320, 20}}}});
  const DicomDeidentifier deid(DeidentificationProfile(), kKey, SafePrivateList::builtIn(), screen);
  const auto result = deid.deidentify(input, out / "out", out / "quarantine");
  ASSERT_EQ(result.status, "done") << result.reason;
  EXPECT_TRUE(result.pixelsCleaned);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(result.output.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  EXPECT_EQ(get(ds, DCM_BurnedInAnnotation), "NO");
  const std::string methods = get(ds, DCM_DeidentificationMethod);
  EXPECT_NE(methods.find("Clean Pixel Data"), std::string::npos) << methods;
  const Uint8* pixels = nullptr;
  ASSERT_TRUE(ds.findAndGetUint8Array(DCM_PixelData, pixels).good());
  Uint16 channels = 1, planar = 0;
  ds.findAndGetUint16(DCM_SamplesPerPixel, channels);
  ds.findAndGetUint16(DCM_PlanarConfiguration, planar);
  ASSERT_EQ(planar, 0);
  std::size_t nonZeroInside = 0, nonZeroOutside = 0;
  for (std::size_t y = 0; y < 240; ++y) {
    for (std::size_t x = 0; x < 320 * channels; ++x) {
      const bool inside = y < 20;
      (inside ? nonZeroInside : nonZeroOutside) += pixels[y * 320 * channels + x] != 0;
    }
  }
  EXPECT_EQ(nonZeroInside, 0u) << "text band not blanked";
  EXPECT_GT(nonZeroOutside, 1000u) << "image content lost";
  EXPECT_EQ(dcmdump(result.output), 0);
}

}  // namespace
}  // namespace medsight

#include "privacy/DeidentificationRun.h"

namespace medsight {
namespace {

TEST(DicomDeidentifierData, EveryOptionCombinationLeavesNothingOnTheWholeSampleFolder) {
  MEDSIGHT_DATASET(samples, "dicom-samples");
  using O = ConfidentialityOption;
  const std::vector<std::vector<O>> combinations{
      {},
      {O::RetainSafePrivate, O::RetainUids},
      {O::RetainLongitudinalModifiedDates, O::CleanDescriptors, O::CleanStructuredContent,
       O::CleanGraphics},
      {O::RetainLongitudinalFullDates, O::RetainDeviceIdentity, O::RetainInstitutionIdentity,
       O::RetainPatientCharacteristics}};
  const auto dir = test::temporaryDirectory("deid-matrix");
  const auto keyPath = dir / "k.key";
  const KeyFile key = KeyFile::create(keyPath);
  int index = 0;
  for (const auto& options : combinations) {
    DeidentificationRunSettings settings;
    settings.input = samples;
    settings.output = dir / ("out" + std::to_string(index++));
    settings.keyFile = keyPath;
    settings.profile = DeidentificationProfile(options);
    settings.threads = 2;
    const auto summary = DeidentificationRun(settings).run();
    EXPECT_GT(summary.done(), 100u);
    EXPECT_GT(summary.quarantined(), 30u);  // secondary captures, ultrasound
    DeidentificationVerifier verifier(DeidentificationProfile(options), SafePrivateList::builtIn());
    verifier.addOriginals(samples);
    verifier.setPairingKey(key);
    for (const auto& folder :
         {settings.output, std::filesystem::path(settings.output.string() + "-quarantine")}) {
      const auto report = verifier.verify(folder);
      EXPECT_EQ(report.findings.size(), 0u) << folder << report.toJson(10).dump(2);
    }
  }
}

}  // namespace
}  // namespace medsight
