#include "models/LabeledImageSet.h"

#include <map>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "core/CsvLine.h"
#include "core/Error.h"
#include "core/ParallelFor.h"
#include "core/Sha256.h"
#include "io/ImageFileReader.h"
#include "io/NpzReader.h"

namespace medsight {

std::map<int, std::size_t> LabeledImageSet::classCounts() const {
  std::map<int, std::size_t> counts;
  for (int l : labels) ++counts[l];
  return counts;
}

std::string LabeledImageSet::contentHash() const {
  std::string text;
  for (std::size_t i = 0; i < images.size(); ++i) {
    text +=
        ids[i] + ":" + std::to_string(labels[i]) + ":" + Sha256::ofBytes(images[i].bytes()) + "\n";
  }
  return Sha256::ofString(text);
}

LabeledImageSet LabeledImageSet::firstN(std::size_t limit) const {
  if (limit == 0 || limit >= size()) return *this;
  std::vector<std::size_t> first(limit);
  std::iota(first.begin(), first.end(), 0);
  return subset(first);
}

std::string LabeledImageSet::splitPairHash(const LabeledImageSet& train,
                                           const LabeledImageSet& val) {
  return Sha256::ofString(train.contentHash() + val.contentHash());
}

LabeledImageSet LabeledImageSet::subset(const std::vector<std::size_t>& indices) const {
  LabeledImageSet out;
  out.source = source;
  for (const auto& [name, values] : columns) out.columns[name];
  for (std::size_t i : indices) {
    if (i >= images.size()) throw Error(ErrorCode::Internal, "subset index out of range");
    out.images.push_back(images[i]);
    out.labels.push_back(labels[i]);
    out.ids.push_back(ids[i]);
    for (const auto& [name, values] : columns) out.columns[name].push_back(values[i]);
  }
  return out;
}

void LabeledImageSet::validateLabels(int classes, const std::string& context) const {
  if (images.empty()) throw Error(ErrorCode::EmptyInput, context + ": no images");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw Error(ErrorCode::LabelMismatch, context + ": label " + std::to_string(labels[i]) +
                                                " of " + ids[i] + " is outside 0.." +
                                                std::to_string(classes - 1));
    }
  }
}

bool LabeledImageSet::isNpz(const std::filesystem::path& path) {
  return detectImageFileFormat(path) == ImageFileFormat::Npz;
}

LabeledImageSet LabeledImageSet::fromNpz(const std::filesystem::path& path,
                                         const std::string& split) {
  const NpzReader npz(path);
  if (!npz.contains(split + "_images") || !npz.contains(split + "_labels")) {
    std::string available;
    for (const auto& n : npz.arrayNames()) available += (available.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::NotFound,
                path.string() + ": no split '" + split + "' (arrays: " + available + ")");
  }
  const NpyArray images = npz.read(split + "_images");
  const auto labels = npz.read(split + "_labels").asInt64();
  const std::size_t n = images.imageCount();
  if (labels.size() != n) {
    throw Error(ErrorCode::LabelMismatch, path.string() + ": " + std::to_string(n) +
                                              " images but " + std::to_string(labels.size()) +
                                              " labels in split " + split +
                                              " (multi-label sets are not supported)");
  }
  LabeledImageSet set;
  set.source = path.filename().string() + ":" + split;
  set.images.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    set.images.push_back(images.image(i));
    set.labels.push_back(static_cast<int>(labels[i]));
    set.ids.push_back(split + "/" + std::to_string(i));
  }
  return set;
}

LabeledImageSet LabeledImageSet::fromCsv(const std::filesystem::path& path,
                                         const std::string& imageColumn,
                                         const std::string& labelColumn, int threads) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": cannot open labels CSV");
  std::string line;
  if (!std::getline(in, line)) throw Error(ErrorCode::EmptyInput, path.string() + ": empty CSV");
  // A spreadsheet's UTF-8 export may begin with a byte-order mark.
  CsvLine::dropByteOrderMark(line);
  const auto header = CsvLine::split(line, path.string() + ":1");
  auto column = [&](const std::string& name) -> std::size_t {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      std::string have;
      for (const auto& h : header) have += (have.empty() ? "" : ", ") + h;
      throw Error(ErrorCode::InvalidArgument,
                  path.string() + ": no column '" + name + "' (columns: " + have + ")");
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t imageIdx = column(imageColumn), labelIdx = column(labelColumn);
  LabeledImageSet set;
  set.source = path.filename().string() + ":" + labelColumn;
  std::vector<std::filesystem::path> files;
  std::map<std::string, std::size_t> firstRow;
  std::size_t row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty() || line == "\r") continue;
    const auto fields = CsvLine::split(line, path.string() + ":" + std::to_string(row));
    if (fields.size() != header.size()) {
      throw Error(ErrorCode::CorruptData,
                  path.string() + ":" + std::to_string(row) + ": " + std::to_string(fields.size()) +
                      " fields, header has " + std::to_string(header.size()));
    }
    int label = 0;
    try {
      std::size_t used = 0;
      label = std::stoi(fields[labelIdx], &used);
      if (used != fields[labelIdx].size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw Error(ErrorCode::LabelMismatch, path.string() + ":" + std::to_string(row) +
                                                ": label '" + fields[labelIdx] +
                                                "' is not an integer");
    }
    std::filesystem::path image = fields[imageIdx];
    if (image.is_relative()) image = path.parent_path() / image;
    // An image listed twice counts twice in every figure (N, the CIs) and, in training, in
    // both a fold's training and validation part.
    if (const auto [it, fresh] = firstRow.emplace(image.lexically_normal().string(), row); !fresh) {
      throw Error(ErrorCode::InvalidArgument,
                  path.string() + ":" + std::to_string(row) + ": image '" + fields[imageIdx] +
                      "' is listed again (first on line " + std::to_string(it->second) + ")");
    }
    files.push_back(image);
    set.labels.push_back(label);
    set.ids.push_back(fields[imageIdx]);
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (c != imageIdx && c != labelIdx) set.columns[header[c]].push_back(fields[c]);
    }
  }
  if (files.empty()) throw Error(ErrorCode::EmptyInput, path.string() + ": no data rows");
  set.images.resize(files.size());
  parallelFor(files.size(), threads, [&](std::size_t i) {
    try {
      set.images[i] = ImageFileReader::read(files[i]);
    } catch (const Error& e) {
      throw Error(e.code(), path.string() + " row for " + set.ids[i] + ": " + e.what());
    }
  });
  return set;
}

std::pair<std::vector<std::size_t>, std::vector<std::size_t>> StratifiedSplitter::split(
    const std::vector<int>& labels, double secondFraction, std::uint64_t seed) {
  std::map<int, std::vector<std::size_t>> byClass;
  for (std::size_t i = 0; i < labels.size(); ++i) byClass[labels[i]].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> first, second;
  for (auto& [label, idx] : byClass) {
    std::shuffle(idx.begin(), idx.end(), rng);
    const auto take =
        static_cast<std::size_t>(std::lround(secondFraction * static_cast<double>(idx.size())));
    second.insert(second.end(), idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(take));
    first.insert(first.end(), idx.begin() + static_cast<std::ptrdiff_t>(take), idx.end());
  }
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  return {first, second};
}

std::vector<std::vector<std::size_t>> StratifiedSplitter::folds(const std::vector<int>& labels,
                                                                int k, std::uint64_t seed) {
  if (k < 2) throw Error(ErrorCode::InvalidArgument, "cross-validation needs k >= 2");
  std::map<int, std::vector<std::size_t>> byClass;
  for (std::size_t i = 0; i < labels.size(); ++i) byClass[labels[i]].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::size_t>> out(static_cast<std::size_t>(k));
  for (auto& [label, idx] : byClass) {
    std::shuffle(idx.begin(), idx.end(), rng);
    for (std::size_t i = 0; i < idx.size(); ++i)
      out[i % static_cast<std::size_t>(k)].push_back(idx[i]);
  }
  for (auto& f : out) std::sort(f.begin(), f.end());
  return out;
}

}  // namespace medsight
