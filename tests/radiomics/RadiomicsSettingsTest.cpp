#include <gtest/gtest.h>

#include "core/Error.h"
#include "radiomics/IntensityDiscretiser.h"
#include "radiomics/IntensityVolumeHistogramFeatures.h"
#include "radiomics/RadiomicFeatureSet.h"
#include "radiomics/RadiomicsSettings.h"

namespace medsight {
namespace {

TEST(RadiomicsSettings, IbsiConfigurationsFollowTheManualTable) {
  const auto a = RadiomicsSettings::ibsiConfiguration('A');
  EXPECT_FALSE(a.interpolate);
  EXPECT_EQ(*a.rangeLower, -500);
  EXPECT_EQ(a.texture.method, DiscretisationMethod::FixedBinSize);
  EXPECT_EQ(a.texture.binWidth, 25);
  EXPECT_TRUE(a.compute2D && !a.compute3D);
  const auto b = RadiomicsSettings::ibsiConfiguration('B');
  EXPECT_TRUE(b.interpolate && b.inPlaneOnly && b.roundIntensities);
  EXPECT_EQ(b.texture.binCount, 32);
  const auto c = RadiomicsSettings::ibsiConfiguration('C');
  EXPECT_EQ(c.ivh.method, DiscretisationMethod::FixedBinSize);
  EXPECT_EQ(c.ivh.binWidth, 2.5);
  EXPECT_FALSE(c.outlierSigma);
  const auto d = RadiomicsSettings::ibsiConfiguration('D');
  EXPECT_FALSE(d.rangeLower);
  EXPECT_EQ(*d.outlierSigma, 3.0);
  const auto e = RadiomicsSettings::ibsiConfiguration('E');
  EXPECT_EQ(e.imageInterpolator, ImageInterpolator::CubicBSpline);
  EXPECT_EQ(e.ivh.binCount, 1000);
  EXPECT_EQ(*e.rangeUpper, 400);
  EXPECT_THROW(RadiomicsSettings::ibsiConfiguration('F'), Error);
}

TEST(RadiomicsSettings, JsonRoundTripKeepsEverySetting) {
  for (char c : {'A', 'B', 'C', 'D', 'E'}) {
    const auto s = RadiomicsSettings::ibsiConfiguration(c);
    const auto back = RadiomicsSettings::fromJson(s.toJson(), "round trip");
    EXPECT_EQ(back.toJson(), s.toJson()) << c;
  }
}

TEST(RadiomicsSettings, RejectsUnknownKeysAndBadValuesNamingTheFile) {
  for (const char* text :
       {R"({"discretisaton": {}})", R"({"resegmentation": {"range": [400, -500]}})",
        R"({"discretisation": {"method": "fbn", "bin_count": 0}})",
        R"({"interpolation": {"spacing_mm": [1, 1]}})", R"({"families": ["glcm", "foo"]})",
        R"({"aggregation": ["4D"]})", R"({"ngldm_alpha": -3})",
        R"({"discretisation": {"method": "fixed_bin_number", "bin_count": 5000}})"}) {
    try {
      RadiomicsSettings::fromJson(text, "config.json");
      FAIL() << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration) << text;
      EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos);
    }
  }
  try {
    RadiomicsSettings::fromJson("{not json", "config.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadJson);
  }
}

RoiVolume line(std::vector<double> values) {
  RoiVolume roi;
  roi.size = {values.size(), 1, 1};
  roi.intensity = values;
  roi.morphologyMask.assign(values.size(), 1);
  roi.intensityMask.assign(values.size(), 1);
  return roi;
}

TEST(IntensityDiscretiser, FixedBinNumberPutsTheMaximumInTheLastBin) {
  const auto d = IntensityDiscretiser::discretise(line({0, 1, 2, 3, 4}),
                                                  {DiscretisationMethod::FixedBinNumber, 0, 4});
  EXPECT_EQ(d.level, (std::vector<int>{1, 2, 3, 4, 4}));
  EXPECT_EQ(d.levelCount, 4);
}

TEST(IntensityDiscretiser, FixedBinSizeIsAnchoredOnTheRangeLowerBound) {
  RoiVolume roi = line({-500, -476, -475, 0, 399});
  roi.rangeLower = -500;
  const auto d = IntensityDiscretiser::discretise(roi, {DiscretisationMethod::FixedBinSize, 25, 0});
  EXPECT_EQ(d.level, (std::vector<int>{1, 1, 2, 21, 36}));
  EXPECT_EQ(d.levelCount, 36);
}

TEST(IntensityDiscretiser, NoneRefusesNonIntegerIntensities) {
  EXPECT_THROW(IntensityDiscretiser::discretise(line({1, 2.5}), {DiscretisationMethod::None, 0, 0}),
               Error);
  EXPECT_THROW(IntensityDiscretiser::discretise(line({0, 2}), {DiscretisationMethod::None, 0, 0}),
               Error);
}

// A bin width of 1e-300 once gave more levels than a size_t holds: the undefined cast produced
// an IVH of zeros instead of an error.
TEST(IntensityVolumeHistogramFeatures, RefusesMoreLevelsThanItCanHoldBeforeCounting) {
  const RoiVolume roi = line({0, 100, 696});
  for (double width : {1e-6, 1e-300}) {
    RadiomicFeatureSet out;
    try {
      IntensityVolumeHistogramFeatures::compute(roi, {DiscretisationMethod::FixedBinSize, width, 0},
                                                out);
      FAIL() << "bin width " << width;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidConfiguration);
      EXPECT_NE(std::string(e.what()).find("use fixed_bin_number"), std::string::npos);
    }
    EXPECT_EQ(out.size(), 0u);
  }
  RoiVolume wide = line({0, 1e15});
  RadiomicFeatureSet out;
  EXPECT_THROW(
      IntensityVolumeHistogramFeatures::compute(wide, {DiscretisationMethod::None, 0, 0}, out),
      Error);
  EXPECT_NO_THROW(IntensityVolumeHistogramFeatures::compute(
      roi, {DiscretisationMethod::FixedBinSize, 1, 0}, out));
  EXPECT_GT(out.size(), 0u);
}

}  // namespace
}  // namespace medsight
