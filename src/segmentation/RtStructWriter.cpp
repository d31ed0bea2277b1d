#include "segmentation/RtStructWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Version.h"
#include "io/DicomUid.h"
#include "segmentation/MaskContourTracer.h"

namespace medsight {
namespace {

void check(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Internal, "RTSTRUCT writer: " + what + ": " + c.text());
}

std::string decimal(double v) {
  std::ostringstream s;
  s.precision(8);
  s << v;
  return s.str();
}

// Copies patient/study attributes of the referenced image so the structure set lands in the
// same patient and study (PS3.3 C.7.1.1, C.7.2.1).
void copyFromReference(DcmItem& ds, const std::string& file) {
  DcmFileFormat ref;
  check(ref.loadFile(file.c_str()), "reading reference " + file);
  DcmDataset* r = ref.getDataset();
  for (const DcmTagKey& tag :
       {DCM_SpecificCharacterSet, DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate,
        DCM_PatientSex, DCM_StudyInstanceUID, DCM_StudyDate, DCM_StudyTime, DCM_StudyID,
        DCM_AccessionNumber, DCM_ReferringPhysicianName, DCM_StudyDescription,
        DCM_PatientIdentityRemoved, DCM_DeidentificationMethod}) {
    OFString v;
    if (r->findAndGetOFStringArray(tag, v).good()) {
      // Some sources exceed the VR's length (the cohort's Study ID "IBSI_1_STS_002_MR_T1" is
      // 20 characters of SH, at most 16 by PS3.5 Table 6.2-1); the copy is made conformant.
      // Identity travels in the UIDs, which always fit.
      const Uint32 limit = DcmVR(DcmTag(tag).getEVR()).getMaxValueLength();
      if (v.length() > limit && v.find('\\') == OFString_npos) v = v.substr(0, limit);
      ds.putAndInsertString(tag, v.c_str());
    } else {
      ds.insertEmptyElement(tag);
    }
  }
}

}  // namespace

void RtStructWriter::write(const std::vector<ExportedStructure>& structures,
                           const ReferencedSeries& reference, const std::filesystem::path& path,
                           const std::string& label) {
  if (structures.empty()) throw Error(ErrorCode::EmptyInput, "RTSTRUCT: no structure to write");
  const auto& instances = reference.series.instances;
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  copyFromReference(ds, instances.front().path);

  const std::time_t now = std::time(nullptr);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y%m%d", std::localtime(&now));
  std::strftime(time, sizeof time, "%H%M%S", std::localtime(&now));
  const std::string sop = generateDicomUid();
  check(ds.putAndInsertString(DCM_SOPClassUID, UID_RTStructureSetStorage), "SOP class");
  check(ds.putAndInsertString(DCM_SOPInstanceUID, sop.c_str()), "SOP instance");
  ds.putAndInsertString(DCM_Modality, "RTSTRUCT");
  ds.putAndInsertString(DCM_SeriesInstanceUID, generateDicomUid().c_str());
  ds.putAndInsertString(DCM_SeriesNumber, "9101");
  ds.insertEmptyElement(DCM_OperatorsName);  // Type 2 in the RT Series Module (C.8.8.1)
  ds.putAndInsertString(DCM_SeriesDescription, (label + " structures").c_str());
  ds.putAndInsertString(DCM_Manufacturer, "MedSight");
  ds.putAndInsertString(DCM_SoftwareVersions, kVersion);
  ds.putAndInsertString(DCM_InstanceNumber, "1");
  ds.putAndInsertString(DCM_StructureSetLabel, label.substr(0, 16).c_str());
  ds.putAndInsertString(DCM_StructureSetDate, date);
  ds.putAndInsertString(DCM_StructureSetTime, time);
  ds.putAndInsertString(DCM_InstanceCreationDate, date);
  ds.putAndInsertString(DCM_InstanceCreationTime, time);
  const std::string frame = instances.front().frameOfReferenceUid;
  ds.putAndInsertString(DCM_FrameOfReferenceUID, frame.c_str());
  ds.putAndInsertString(DCM_PositionReferenceIndicator, "");

  // Referenced Frame of Reference Sequence (C.8.8.5): study, series and every image.
  DcmItem* forItem = nullptr;
  check(ds.findOrCreateSequenceItem(DCM_ReferencedFrameOfReferenceSequence, forItem, 0), "FoR");
  forItem->putAndInsertString(DCM_FrameOfReferenceUID, frame.c_str());
  DcmItem* study = nullptr;
  check(forItem->findOrCreateSequenceItem(DCM_RTReferencedStudySequence, study, 0), "study");
  study->putAndInsertString(DCM_ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1");
  study->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                            instances.front().studyInstanceUid.c_str());
  DcmItem* series = nullptr;
  check(study->findOrCreateSequenceItem(DCM_RTReferencedSeriesSequence, series, 0), "series");
  series->putAndInsertString(DCM_SeriesInstanceUID, reference.series.seriesInstanceUid.c_str());
  for (std::size_t k = 0; k < instances.size(); ++k) {
    DcmItem* img = nullptr;
    check(series->findOrCreateSequenceItem(DCM_ContourImageSequence, img, -2), "image ref");
    img->putAndInsertString(DCM_ReferencedSOPClassUID, instances[k].sopClassUid.c_str());
    img->putAndInsertString(DCM_ReferencedSOPInstanceUID, instances[k].sopInstanceUid.c_str());
  }

  for (std::size_t s = 0; s < structures.size(); ++s) {
    const auto& st = structures[s];
    reference.requireGrid(st.mask, "RTSTRUCT structure '" + st.name + "'");
    Image mask = st.mask;
    mask.geometry() = reference.image.geometry();
    const auto contours = MaskContourTracer::trace(mask);
    if (contours.empty()) {
      throw Error(ErrorCode::EmptyInput, "RTSTRUCT structure '" + st.name + "': the mask is empty");
    }
    const std::string number = std::to_string(s + 1);
    DcmItem* roi = nullptr;
    check(ds.findOrCreateSequenceItem(DCM_StructureSetROISequence, roi, -2), "ROI");
    roi->putAndInsertString(DCM_ROINumber, number.c_str());
    roi->putAndInsertString(DCM_ReferencedFrameOfReferenceUID, frame.c_str());
    roi->putAndInsertString(DCM_ROIName, st.name.c_str());
    roi->putAndInsertString(DCM_ROIGenerationAlgorithm, st.algorithm.c_str());

    DcmItem* rc = nullptr;
    check(ds.findOrCreateSequenceItem(DCM_ROIContourSequence, rc, -2), "ROI contour");
    rc->putAndInsertString(DCM_ReferencedROINumber, number.c_str());
    const std::string colour = std::to_string(st.colour[0]) + "\\" + std::to_string(st.colour[1]) +
                               "\\" + std::to_string(st.colour[2]);
    rc->putAndInsertString(DCM_ROIDisplayColor, colour.c_str());
    for (const auto& c : contours) {
      DcmItem* ci = nullptr;
      check(rc->findOrCreateSequenceItem(DCM_ContourSequence, ci, -2), "contour");
      DcmItem* img = nullptr;
      check(ci->findOrCreateSequenceItem(DCM_ContourImageSequence, img, 0), "contour image");
      img->putAndInsertString(DCM_ReferencedSOPClassUID, instances[c.slice].sopClassUid.c_str());
      img->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                              instances[c.slice].sopInstanceUid.c_str());
      ci->putAndInsertString(DCM_ContourGeometricType, "CLOSED_PLANAR");
      ci->putAndInsertString(DCM_NumberOfContourPoints, std::to_string(c.points.size()).c_str());
      std::string data;
      for (const auto& p : c.points) {
        for (int a = 0; a < 3; ++a) data += (data.empty() ? "" : "\\") + decimal(p[a]);
      }
      check(ci->putAndInsertString(DCM_ContourData, data.c_str()), "contour data");
    }
    DcmItem* obs = nullptr;
    check(ds.findOrCreateSequenceItem(DCM_RTROIObservationsSequence, obs, -2), "observation");
    obs->putAndInsertString(DCM_ObservationNumber, number.c_str());
    obs->putAndInsertString(DCM_ReferencedROINumber, number.c_str());
    obs->putAndInsertString(DCM_RTROIInterpretedType, st.interpretedType.c_str());
    obs->putAndInsertString(DCM_ROIInterpreter, "");
  }
  AtomicFile::writeWith(path, [&](const std::filesystem::path& tmp) {
    check(file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit), "saving " + path.string());
  });
}

}  // namespace medsight
