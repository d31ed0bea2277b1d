#include "store/FindingStore.h"

#include <gtest/gtest.h>

#include "StoreBackendFixture.h"
#include "StoreTestRecords.h"
#include "core/Error.h"
#include "store/JobQueue.h"
#include "store/StudyStore.h"

namespace medsight {
namespace {

using test::incomingInstance;
using FindingStoreBackend = test::StoreBackendTest;

FindingRecord aiFinding(double probability) {
  FindingRecord f;
  f.conceptId = "pneumonia";
  f.label = probability >= 0.5 ? "pneumonia" : "normal";
  f.probability = probability;
  f.threshold = 0.5;
  f.positive = probability >= 0.5;
  f.modelName = "pneumonia-cxr";
  f.modelVersion = "1.0.0";
  f.weightsSha256 = std::string(64, 'b');
  return f;
}

/// Stores a study with one series and records an analysis with `probability`.
void analyse(Database& db, const std::string& study, double probability) {
  StudyStore(db).insertInstance(incomingInstance(study, study + ".1", study + ".1.1"));
  JobQueue queue(db);
  const auto job = queue.claim("h:1:0", 60000);
  ASSERT_TRUE(job);
  FindingStore(db).recordAnalysis(job->id, "h:1:0", job->seriesId, {aiFinding(probability)},
                                  "analysed", "");
}

TEST_P(FindingStoreBackend, WorklistPutsAiPositiveFirstThenOldest) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  analyse(*db, "1.1", 0.2);
  analyse(*db, "1.2", 0.7);
  StudyStore(*db).insertInstance(incomingInstance("1.3", "1.3.1", "1.3.1.1", 600000));
  analyse(*db, "1.4", 0.95);
  const auto list = StudyStore(*db).worklist();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].studyUid, "1.4");
  EXPECT_EQ(list[0].urgencyTier, 2);
  EXPECT_EQ(list[1].studyUid, "1.2");
  EXPECT_EQ(list[2].studyUid, "1.3");  // not analysed yet: needs a human, above AI-negative
  EXPECT_EQ(list[2].state, "new");
  EXPECT_EQ(list[3].studyUid, "1.1");
  EXPECT_EQ(list[3].state, "analysed");
}

TEST_P(FindingStoreBackend, NotAnalysedSeriesShowsItsReason) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore(*db).insertInstance(incomingInstance("1.5", "1.5.1", "1.5.1.1"));
  JobQueue queue(*db);
  const auto job = queue.claim("h:1:0", 60000);
  FindingStore(*db).recordAnalysis(job->id, "h:1:0", job->seriesId, {}, "not_analysed",
                                   "no model for CT of the KNEE");
  const auto study = StudyStore(*db).requireStudy("1.5");
  EXPECT_EQ(study.state, "not_analysed");
  EXPECT_NE(study.notAnalysedReason.find("no model for CT of the KNEE"), std::string::npos);
  EXPECT_EQ(queue.job(job->id).state, "not_analysed");
}

TEST_P(FindingStoreBackend, ResultOfALostLeaseIsRefused) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  StudyStore(*db).insertInstance(incomingInstance("1.6", "1.6.1", "1.6.1.1"));
  JobQueue queue(*db);
  const auto stale = queue.claim("h:1:0", -1);
  const auto fresh = queue.claim("h:2:0", 60000);
  ASSERT_TRUE(stale && fresh);
  EXPECT_THROW(FindingStore(*db).recordAnalysis(stale->id, "h:1:0", stale->seriesId,
                                                {aiFinding(0.9)}, "analysed", ""),
               Error);
  EXPECT_TRUE(FindingStore(*db).findingsOf(StudyStore(*db).requireStudy("1.6").id).empty());
}

TEST_P(FindingStoreBackend, ReviewThenSignFollowsTheStates) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  analyse(*db, "2.1", 0.9);
  StudyStore studies(*db);
  FindingStore findings(*db);
  auto study = studies.requireStudy("2.1");
  EXPECT_EQ(study.state, "analysed");
  EXPECT_THROW(findings.sign(study.id, "dr"), Error) << "signed with an unreviewed finding";
  const auto f = findings.findingsOf(study.id).at(0);
  EXPECT_THROW(findings.review(f.id, "dr", "maybe", std::nullopt, ""), Error);
  EXPECT_THROW(findings.review(f.id, "dr", "edit", std::nullopt, ""), Error);
  const auto edited = findings.review(f.id, "dr", "edit", false, "old scar, not pneumonia");
  EXPECT_EQ(edited.status, "edited");
  EXPECT_EQ(edited.doctorPresent, std::optional<bool>(false));
  study = studies.requireStudy("2.1");
  EXPECT_EQ(study.state, "reviewed");
  EXPECT_EQ(study.urgencyTier, 0) << "the doctor said absent: no longer urgent";
  findings.setReportText(study.id, "dr", "No consolidation.");
  const auto signedStudy = findings.sign(study.id, "dr");
  EXPECT_EQ(signedStudy.state, "signed");
  EXPECT_EQ(signedStudy.signedBy, "dr");
  EXPECT_THROW(findings.review(f.id, "dr", "accept", std::nullopt, ""), Error);
  EXPECT_THROW(findings.setReportText(study.id, "dr", "x"), Error);
  const auto reviews = findings.reviewsOf(study.id);
  ASSERT_EQ(reviews.size(), 3u);
  EXPECT_EQ(reviews[0].action, "edit");
  EXPECT_EQ(reviews[2].action, "sign");
  EXPECT_TRUE(studies.worklist().empty());
  EXPECT_EQ(studies.worklist(true).size(), 1u);
}

TEST_P(FindingStoreBackend, ReRunKeepsReviewedFindings) {
  MEDSIGHT_OPEN_BACKEND(db, url);
  analyse(*db, "3.1", 0.8);
  FindingStore findings(*db);
  const auto studyId = StudyStore(*db).requireStudy("3.1").id;
  findings.review(findings.findingsOf(studyId).at(0).id, "dr", "accept", std::nullopt, "");
  // A late instance re-queues the series; the re-run must not drop the accepted finding.
  StudyStore(*db).insertInstance(incomingInstance("3.1", "3.1.1", "3.1.1.2"));
  JobQueue queue(*db);
  const auto job = queue.claim("h:1:0", 60000);
  ASSERT_TRUE(job);
  findings.recordAnalysis(job->id, "h:1:0", job->seriesId, {aiFinding(0.6)}, "analysed", "");
  const auto all = findings.findingsOf(studyId);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].status, "accepted");
}

INSTANTIATE_TEST_SUITE_P(Engines, FindingStoreBackend, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace medsight
