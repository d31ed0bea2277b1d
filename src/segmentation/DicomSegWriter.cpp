#include "segmentation/DicomSegWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <memory>
#include <sstream>
#include <string>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Version.h"
#include "io/DicomUid.h"
#include "preprocess/MaskComparison.h"

namespace medsight {
namespace {

void check(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Internal, "DICOM SEG writer: " + what + ": " + c.text());
}

std::string decimal(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  std::string t = s.str();
  if (t.size() > 16) {  // DS is at most 16 characters (PS3.5 6.2)
    s.str("");
    s.precision(6);
    s << v;
    t = s.str();
  }
  return t;
}

}  // namespace

void DicomSegWriter::write(const ExportedStructure& structure, const ReferencedSeries& reference,
                           const std::filesystem::path& path) {
  reference.requireGrid(structure.mask, "DICOM SEG '" + structure.name + "'");
  // Any non-zero voxel is inside, as everywhere else (a cast would round a 0.4 away).
  const Image mask = MaskComparison::binary(structure.mask);
  const auto& g = reference.image.geometry();
  const auto& instances = reference.series.instances;
  const std::size_t nx = mask.size().x, ny = mask.size().y, nz = mask.size().z;
  if (nx > 65535 || ny > 65535) throw Error(ErrorCode::TooLarge, "DICOM SEG: slice too large");

  DcmSegmentation* raw = nullptr;
  check(DcmSegmentation::createBinarySegmentation(
            raw, static_cast<Uint16>(ny), static_cast<Uint16>(nx),
            // DCMTK refuses (Invalid Value) an empty Device Serial Number: the Enhanced General
            // Equipment Module (PS3.3 C.7.5.2) makes it Type 1. A software "device" has no
            // hardware serial; its name and version identify it.
            IODGeneralEquipmentModule::EquipmentInfo("MedSight", "MedSight",
                                                     std::string("MedSight ") + kVersion, kVersion),
            ContentIdentificationMacro("1", "SEGMENTATION", structure.name.substr(0, 64),
                                       "MedSight")),
        "creating the segmentation");
  std::unique_ptr<DcmSegmentation> seg(raw);
  check(seg->importFromSourceImage(instances.front().path.c_str(), OFTrue),
        "importing patient and study from " + instances.front().path);
  {
    // Some sources exceed SH's 16 characters in Study ID (the cohort's "IBSI_1_STS_002_MR_T1");
    // the copy is made conformant (PS3.5 Table 6.2-1). The study is identified by its UID.
    OFString studyId;
    seg->getStudy().getStudyID(studyId);
    if (studyId.length() > 16) seg->getStudy().setStudyID(studyId.substr(0, 16));
  }
  seg->getSeries().setSeriesInstanceUID(generateDicomUid().c_str());
  seg->getSeries().setSeriesNumber("9102");
  seg->getSeries().setSeriesDescription(("MedSight " + structure.name).c_str());

  // Segment: SNOMED CT "Morphologically abnormal structure" / "Neoplasm" for tumours,
  // "Anatomical structure" / "Organ" otherwise (DICOM PS3.16 CID 7150/7151).
  const bool tumour = structure.interpretedType == "GTV" || structure.interpretedType == "CTV" ||
                      structure.interpretedType == "PTV";
  DcmSegment* segmentRaw = nullptr;
  check(DcmSegment::create(
            segmentRaw, structure.name.substr(0, 64),
            tumour ? CodeSequenceMacro("49755003", "SCT", "Morphologically Altered Structure")
                   : CodeSequenceMacro("91723000", "SCT", "Anatomical Structure"),
            tumour ? CodeSequenceMacro("108369006", "SCT", "Neoplasm")
                   : CodeSequenceMacro("113343008", "SCT", "Organ"),
            structure.algorithm == "MANUAL" ? DcmSegTypes::SAT_MANUAL : DcmSegTypes::SAT_AUTOMATIC,
            "MedSight"),
        "creating the segment");
  Uint16 segmentNumber = 0;
  check(seg->addSegment(segmentRaw, segmentNumber), "adding the segment");

  // Shared functional groups: pixel measures and plane orientation.
  FGPixelMeasures measures;
  check(measures.setPixelSpacing((decimal(g.spacing[1]) + "\\" + decimal(g.spacing[0])).c_str()),
        "pixel spacing");
  check(measures.setSliceThickness(decimal(g.spacing[2]).c_str()), "slice thickness");
  check(measures.setSpacingBetweenSlices(decimal(g.spacing[2]).c_str()), "slice spacing");
  check(seg->addForAllFrames(measures), "pixel measures");
  std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
      decimal(g.direction[0]).c_str(), decimal(g.direction[3]).c_str(),
      decimal(g.direction[6]).c_str(), decimal(g.direction[1]).c_str(),
      decimal(g.direction[4]).c_str(), decimal(g.direction[7]).c_str()));
  check(seg->addForAllFrames(*orientation), "plane orientation");

  const std::string dimensionUid = generateDicomUid();
  check(seg->getDimensions().addDimensionIndex(DCM_ReferencedSegmentNumber, dimensionUid.c_str(),
                                               DCM_SegmentIdentificationSequence,
                                               "ReferencedSegmentNumber"),
        "dimension (segment)");
  check(seg->getDimensions().addDimensionIndex(DCM_ImagePositionPatient, dimensionUid.c_str(),
                                               DCM_PlanePositionSequence, "ImagePositionPatient"),
        "dimension (position)");

  const auto px = mask.pixels<std::uint8_t>();
  std::size_t frames = 0;
  OFVector<OFString> referencedFiles;
  std::vector<Uint8> frame(nx * ny);
  for (std::size_t k = 0; k < nz; ++k) {
    bool any = false;
    for (std::size_t i = 0; i < nx * ny; ++i) {
      frame[i] = px[k * nx * ny + i] ? 1 : 0;
      any = any || frame[i];
    }
    if (!any) continue;
    const auto p = g.indexToPhysical({0, 0, static_cast<double>(k)});
    std::unique_ptr<FGPlanePosPatient> position(FGPlanePosPatient::createMinimal(
        decimal(p[0]).c_str(), decimal(p[1]).c_str(), decimal(p[2]).c_str()));
    FGFrameContent content;
    content.setStackID("1");
    content.setInStackPositionNumber(static_cast<Uint32>(k + 1));
    content.setDimensionIndexValues(segmentNumber, 0);
    content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1);
    ImageSOPInstanceReferenceMacro ref;
    ref.setReferencedSOPClassUID(instances[k].sopClassUid.c_str());
    ref.setReferencedSOPInstanceUID(instances[k].sopInstanceUid.c_str());
    std::unique_ptr<FGDerivationImage> derivation(FGDerivationImage::createMinimal(
        OFVector<ImageSOPInstanceReferenceMacro>(1, ref), "Segmentation",
        CodeSequenceMacro("113076", "DCM", "Segmentation"),
        CodeSequenceMacro("121322", "DCM", "Source image for image processing operation")));
    OFVector<FGBase*> perFrame;
    perFrame.push_back(position.get());
    perFrame.push_back(&content);
    perFrame.push_back(derivation.get());
    check(seg->addFrame(frame.data(), segmentNumber, perFrame),
          "adding frame " + std::to_string(k));
    referencedFiles.push_back(instances[k].path.c_str());
    ++frames;
  }
  if (frames == 0) {
    throw Error(ErrorCode::EmptyInput, "DICOM SEG '" + structure.name + "': the mask is empty");
  }
  // Common Instance Reference Module (PS3.3 C.12.2): the source images the frames derive from.
  IODReferences references;
  if (references.addFromFiles(referencedFiles, IODReference::LEVEL_STUDY) !=
      referencedFiles.size()) {
    throw Error(ErrorCode::Internal, "DICOM SEG: cannot reference the source images");
  }
  seg->getCommonInstanceReference().addReferences(references);
  AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
    check(seg->saveFile(tmp.c_str(), EXS_LittleEndianExplicit), "saving " + path.string());
  });
}

}  // namespace medsight
