#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "classical/FeatureTable.h"

namespace medsight {

/// \brief How feature and label CSVs are read.
struct TableReadOptions {
  /// \brief Name of the ID column; empty = a column named id/ID/patient_id/sample_id/case_id,
  /// else the first column when its values are not numbers, else none.
  std::string idColumn;
  /// \brief Column holding the labels (taken out of the features), e.g. "diagnosis".
  std::string labelColumn;
};

/// \brief Labels as read from a file, aligned with a feature table's rows.
struct RawLabels {
  std::vector<std::string> values;
  std::string source;
};

/// \brief Reads the CSV inputs of `medsight classical`: header-less, row-aligned numeric files
/// (e.g. the ROSMAP omics) or files with a header and an ID column, joined by ID. Several
/// feature files are concatenated column-wise (early fusion).
class FeatureTableReader {
 public:
  /// \brief Reads and joins feature files. Header-less files must have equal row counts;
  /// files with IDs are joined on the IDs of the first file, and an ID missing from any other
  /// file, a duplicate ID, or a mix of the two kinds is an InvalidArgument naming the file.
  /// Columns of file k are named "f<k>.<j>" (header-less) or by their header, prefixed "f<k>."
  /// when several files are given. When `labels` is set and options.labelColumn names a column
  /// of the first file, that column becomes the labels.
  /// `blocks`, when set, receives the column range of each file (for late fusion).
  static FeatureTable read(const std::vector<std::filesystem::path>& files,
                           const TableReadOptions& options, RawLabels* labels = nullptr,
                           std::vector<ColumnBlock>* blocks = nullptr);
  /// \brief Reads labels for `table`'s rows: a header-less one-column file (row-aligned) or a
  /// file with an ID column and a label column (joined by ID; a missing ID is an error).
  static RawLabels readLabels(const std::filesystem::path& file, const FeatureTable& table,
                              bool tableHasIds, const TableReadOptions& options);
  /// \brief True when the table's IDs came from an ID column (not generated row numbers).
  static bool hasIds(const FeatureTable& table);
};

}  // namespace medsight
