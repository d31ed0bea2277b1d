#include "segmentation/RtStructureSet.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cmath>
#include <map>

#include "core/Error.h"

namespace medsight {
namespace {

std::string str(DcmItem* item, const DcmTagKey& tag) {
  OFString v;
  if (item && item->findAndGetOFStringArray(tag, v).good()) return v.c_str();
  return "";
}

DcmSequenceOfItems* sequence(DcmItem* item, const DcmTagKey& tag) {
  DcmSequenceOfItems* seq = nullptr;
  if (item && item->findAndGetSequence(tag, seq).good()) return seq;
  return nullptr;
}

}  // namespace

RtStructureSet RtStructureSet::read(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path.string() + ": RTSTRUCT file not found");
  }
  DcmFileFormat file;
  const OFCondition c = file.loadFile(path.c_str());
  if (c.bad()) {
    throw Error(ErrorCode::CorruptData, path.string() + ": not readable as DICOM: " + c.text());
  }
  DcmDataset* ds = file.getDataset();
  if (str(ds, DCM_SOPClassUID) != UID_RTStructureSetStorage &&
      str(ds, DCM_Modality) != "RTSTRUCT") {
    throw Error(ErrorCode::WrongModality, path.string() + ": not an RT Structure Set (modality '" +
                                              str(ds, DCM_Modality) + "')");
  }
  RtStructureSet s;
  s.sopInstanceUid = str(ds, DCM_SOPInstanceUID);
  s.studyInstanceUid = str(ds, DCM_StudyInstanceUID);
  s.label = str(ds, DCM_StructureSetLabel);
  s.patientId = str(ds, DCM_PatientID);
  if (auto* refs = sequence(ds, DCM_ReferencedFrameOfReferenceSequence); refs && refs->card() > 0) {
    DcmItem* f = refs->getItem(0);
    s.frameOfReferenceUid = str(f, DCM_FrameOfReferenceUID);
    if (auto* studies = sequence(f, DCM_RTReferencedStudySequence); studies && studies->card()) {
      if (auto* series = sequence(studies->getItem(0), DCM_RTReferencedSeriesSequence);
          series && series->card()) {
        s.referencedSeriesUid = str(series->getItem(0), DCM_SeriesInstanceUID);
      }
    }
  }
  std::map<int, std::size_t> byNumber;
  if (auto* rois = sequence(ds, DCM_StructureSetROISequence)) {
    for (unsigned long i = 0; i < rois->card(); ++i) {
      DcmItem* it = rois->getItem(i);
      RtRoi roi;
      Sint32 n = 0;
      it->findAndGetSint32(DCM_ROINumber, n);
      roi.number = n;
      roi.name = str(it, DCM_ROIName);
      roi.frameOfReferenceUid = str(it, DCM_ReferencedFrameOfReferenceUID);
      roi.generationAlgorithm = str(it, DCM_ROIGenerationAlgorithm);
      byNumber[roi.number] = s.rois.size();
      s.rois.push_back(roi);
    }
  }
  if (auto* contours = sequence(ds, DCM_ROIContourSequence)) {
    for (unsigned long i = 0; i < contours->card(); ++i) {
      DcmItem* it = contours->getItem(i);
      Sint32 ref = 0;
      it->findAndGetSint32(DCM_ReferencedROINumber, ref);
      const auto found = byNumber.find(ref);
      if (found == byNumber.end()) {
        throw Error(ErrorCode::CorruptData, path.string() + ": ROI Contour item " +
                                                std::to_string(i + 1) + " references ROI " +
                                                std::to_string(ref) + ", which is not defined");
      }
      RtRoi& roi = s.rois[found->second];
      for (int k = 0; k < 3; ++k) {
        Sint32 v = 0;
        if (it->findAndGetSint32(DCM_ROIDisplayColor, v, static_cast<unsigned long>(k)).good()) {
          roi.colour[k] = v;
        }
      }
      auto* seq = sequence(it, DCM_ContourSequence);
      for (unsigned long j = 0; seq && j < seq->card(); ++j) {
        DcmItem* ci = seq->getItem(j);
        RtContour contour;
        contour.geometricType = str(ci, DCM_ContourGeometricType);
        const unsigned long values = [&] {
          DcmElement* e = nullptr;
          return ci->findAndGetElement(DCM_ContourData, e).good() ? e->getVM() : 0ul;
        }();
        if (values % 3 != 0) {
          throw Error(ErrorCode::CorruptData,
                      path.string() + ": ROI '" + roi.name + "' contour " + std::to_string(j + 1) +
                          " has " + std::to_string(values) + " values, not a multiple of 3");
        }
        for (unsigned long v = 0; v < values; v += 3) {
          std::array<double, 3> p{};
          for (unsigned long a = 0; a < 3; ++a) {
            Float64 x = 0;
            ci->findAndGetFloat64(DCM_ContourData, x, v + a);
            if (!std::isfinite(x)) {
              throw Error(ErrorCode::CorruptData, path.string() + ": non-finite contour point");
            }
            p[a] = x;
          }
          contour.points.push_back(p);
        }
        if (auto* imgs = sequence(ci, DCM_ContourImageSequence)) {
          for (unsigned long r = 0; r < imgs->card(); ++r) {
            contour.referencedSopInstanceUids.push_back(
                str(imgs->getItem(r), DCM_ReferencedSOPInstanceUID));
          }
        }
        roi.contours.push_back(std::move(contour));
      }
    }
  }
  if (s.rois.empty()) throw Error(ErrorCode::EmptyInput, path.string() + ": no ROI defined");
  return s;
}

const RtRoi& RtStructureSet::roi(const std::string& name) const {
  if (name.empty() && rois.size() == 1) return rois.front();
  std::string names;
  for (const auto& r : rois) {
    if (r.name == name) return r;
    names += (names.empty() ? "" : ", ") + r.name;
  }
  throw Error(ErrorCode::InvalidArgument,
              (name.empty() ? std::string("several ROIs; choose one with --roi")
                            : "no ROI named '" + name + "'") +
                  " (available: " + names + ")");
}

}  // namespace medsight
