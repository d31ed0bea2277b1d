// Reading and joining feature/label CSVs, and the bad-input cases.
#include <gtest/gtest.h>

#include <fstream>

#include "classical/BinaryLabels.h"
#include "classical/FeatureTableReader.h"
#include "core/Error.h"
#include "support/ErrorCodeOf.h"
#include "support/TestData.h"

namespace medsight {
namespace {

std::filesystem::path write(const std::filesystem::path& dir, const std::string& name,
                            const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

using test::codeOf;

TEST(FeatureTableReader, RowAlignedHeaderlessFilesAreConcatenated) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "a.csv", "1,2\n3,4\n5,6\n");
  const auto b = write(d, "b.csv", "7\n8\n9\n");
  std::vector<ColumnBlock> blocks;
  const FeatureTable t = FeatureTableReader::read({a, b}, {}, nullptr, &blocks);
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"f1.0", "f1.1", "f2.0"}));
  EXPECT_EQ(t.at(2, 2), 9);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[1].begin, 2u);
  EXPECT_FALSE(FeatureTableReader::hasIds(t));
}

TEST(FeatureTableReader, FilesWithIdsAreJoinedById) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "ct.csv", "id,x\nP1,1\nP2,2\n");
  const auto b = write(d, "clinical.csv", "patient_id,age\nP2,70\nP1,50\nP3,33\n");
  const FeatureTable t = FeatureTableReader::read({a, b}, {});
  EXPECT_EQ(t.ids, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(t.columns, (std::vector<std::string>{"f1.x", "f2.age"}));
  EXPECT_EQ(t.at(0, 1), 50);
  EXPECT_EQ(t.at(1, 1), 70);
  const auto labels = write(d, "y.csv", "id,label\nP2,1\nP1,0\n");
  const RawLabels raw = FeatureTableReader::readLabels(labels, t, true, {});
  EXPECT_EQ(raw.values, (std::vector<std::string>{"0", "1"}));
}

TEST(FeatureTableReader, MissingIdsAreAnErrorNamingThem) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "ct.csv", "id,x\nP1,1\nP2,2\nP9,3\n");
  const auto b = write(d, "mr.csv", "id,y\nP1,1\nP2,2\n");
  try {
    FeatureTableReader::read({a, b}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("P9"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mr.csv"), std::string::npos) << e.what();
  }
  const FeatureTable t = FeatureTableReader::read({b}, {});
  const auto labels = write(d, "y.csv", "id,label\nP1,1\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::readLabels(labels, t, true, {}); }),
            ErrorCode::InvalidArgument);
}

TEST(FeatureTableReader, RejectsMismatchedRowsDuplicateIdsAndText) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "a.csv", "1,2\n3,4\n");
  const auto b = write(d, "b.csv", "1\n2\n3\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({a, b}, {}); }), ErrorCode::InvalidArgument);
  const auto dup = write(d, "dup.csv", "id,x\nP1,1\nP1,2\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({dup}, {}); }), ErrorCode::InvalidArgument);
  const auto text = write(d, "text.csv", "id,x\nP1,abc\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({text}, {}); }), ErrorCode::InvalidArgument);
  const auto ragged = write(d, "ragged.csv", "1,2\n3\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({ragged}, {}); }), ErrorCode::CorruptData);
  const auto mixed = write(d, "ids.csv", "id,x\nP1,1\nP2,2\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({a, mixed}, {}); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({d / "none.csv"}, {}); }),
            ErrorCode::FileNotFound);
  // Silently accepted once: hexadecimal numbers, a column name given twice, and a label file
  // naming one ID twice with two labels (the last won).
  const auto hex = write(d, "hex.csv", "id,x\nP1,0x10\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({hex}, {}); }), ErrorCode::InvalidArgument);
  const auto twice = write(d, "twice.csv", "id,x,x\nP1,1,2\n");
  EXPECT_EQ(codeOf([&] { FeatureTableReader::read({twice}, {}); }), ErrorCode::InvalidArgument);
  const FeatureTable t = FeatureTableReader::read({mixed}, {});
  const auto labels = write(d, "y.csv", "id,label\nP1,M\nP2,B\nP1,B\n");
  try {
    FeatureTableReader::readLabels(labels, t, true, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ID 'P1' appears twice"), std::string::npos) << e.what();
  }
  EXPECT_EQ(
      FeatureTableReader::read({write(d, "sci.csv", "id,x\nP1,1.5e-3\nP2,-2E4\n")}, {}).at(1, 0),
      -2e4);
}

TEST(FeatureTableReader, NonFiniteValuesAreKeptUntilAFitRefusesThem) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "a.csv", "id,x,y\nP1,1,NaN\nP2,inf,2\n");
  const FeatureTable t = FeatureTableReader::read({a}, {});
  try {
    t.requireFinite("a.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("P1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'y'"), std::string::npos) << e.what();
  }
}

TEST(FeatureTableReader, LabelColumnInsideTheFeatureFile) {
  const auto d = test::temporaryDirectory("tables");
  const auto a = write(d, "wdbc.csv", "r,t,diagnosis\n1,2,M\n3,4,B\n5,6,B\n");
  RawLabels raw;
  const FeatureTable t = FeatureTableReader::read({a}, {"", "diagnosis"}, &raw);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"r", "t"}));
  EXPECT_EQ(raw.values, (std::vector<std::string>{"M", "B", "B"}));
  const BinaryLabels y = BinaryLabels::fromRaw(raw, "M");
  EXPECT_EQ(y.y, (std::vector<int>{1, 0, 0}));
  EXPECT_EQ(y.negative, "B");
}

TEST(BinaryLabels, SingleClassAndUnnamedPositiveAreRefused) {
  EXPECT_EQ(codeOf([] {
              BinaryLabels::fromRaw({{"1", "1.0", "1e0"}, "y.csv"}, "");
            }),
            ErrorCode::LabelMismatch);
  EXPECT_EQ(codeOf([] {
              BinaryLabels::fromRaw({{"M", "B"}, "y.csv"}, "");
            }),
            ErrorCode::LabelMismatch);
  EXPECT_EQ(codeOf([] {
              BinaryLabels::fromRaw({{"a", "b", "c"}, "y.csv"}, "a");
            }),
            ErrorCode::LabelMismatch);
  const auto y = BinaryLabels::fromRaw({{"0.000000e+00", "1.000000e+00"}, "y.csv"}, "");
  EXPECT_EQ(y.y, (std::vector<int>{0, 1}));
  EXPECT_EQ(codeOf([] {
              BinaryLabels::withClasses({{"0", "2"}, "y.csv"}, "0", "1");
            }),
            ErrorCode::LabelMismatch);
}

}  // namespace
}  // namespace medsight
