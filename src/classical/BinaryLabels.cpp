#include "classical/BinaryLabels.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/Error.h"

namespace medsight {
namespace {

/// Numbers in canonical form ("1.000e+00" -> "1"); text unchanged.
std::string canonical(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (!s.empty() && end != s.c_str() && *end == '\0' && std::isfinite(v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", v);
    return buf;
  }
  return s;
}

}  // namespace

std::size_t BinaryLabels::positives() const {
  std::size_t n = 0;
  for (int v : y) n += v == 1;
  return n;
}

BinaryLabels BinaryLabels::fromRaw(const RawLabels& raw, const std::string& positive) {
  std::set<std::string> classes;
  for (const auto& v : raw.values) {
    if (v.empty()) throw Error(ErrorCode::LabelMismatch, raw.source + ": empty label");
    classes.insert(canonical(v));
  }
  if (classes.size() < 2) {
    throw Error(ErrorCode::LabelMismatch,
                raw.source + ": only one class ('" + (classes.empty() ? "" : *classes.begin()) +
                    "') in " + std::to_string(raw.values.size()) +
                    " labels; a classifier needs examples of both classes");
  }
  if (classes.size() > 2) {
    std::string list;
    for (const auto& c : classes) list += (list.empty() ? "" : ", ") + c;
    throw Error(ErrorCode::LabelMismatch, raw.source + ": " + std::to_string(classes.size()) +
                                              " classes (" + list +
                                              "); classical models here are binary");
  }
  std::string pos = positive.empty() ? "" : canonical(positive);
  if (pos.empty()) {
    if (classes == std::set<std::string>{"0", "1"}) {
      pos = "1";
    } else {
      throw Error(ErrorCode::LabelMismatch, raw.source + ": labels are '" + *classes.begin() +
                                                "' and '" + *classes.rbegin() +
                                                "'; name the positive class with --positive");
    }
  }
  if (!classes.count(pos)) {
    throw Error(ErrorCode::LabelMismatch,
                raw.source + ": positive class '" + pos + "' does not occur in the labels");
  }
  BinaryLabels out;
  out.positive = pos;
  out.negative = *classes.begin() == pos ? *classes.rbegin() : *classes.begin();
  for (const auto& v : raw.values) out.y.push_back(canonical(v) == pos ? 1 : 0);
  return out;
}

BinaryLabels BinaryLabels::withClasses(const RawLabels& raw, const std::string& negative,
                                       const std::string& positive) {
  BinaryLabels out{{}, negative, positive};
  for (std::size_t i = 0; i < raw.values.size(); ++i) {
    const std::string v = canonical(raw.values[i]);
    if (v == positive) {
      out.y.push_back(1);
    } else if (v == negative) {
      out.y.push_back(0);
    } else {
      throw Error(ErrorCode::LabelMismatch, raw.source + ": label '" + raw.values[i] + "' (row " +
                                                std::to_string(i + 1) + ") is neither '" +
                                                negative + "' nor '" + positive +
                                                "', the model's classes");
    }
  }
  return out;
}

}  // namespace medsight
