#include "language/PhraseMatcher.h"

#include "core/Error.h"

namespace medsight {
namespace {

constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;

std::uint64_t edgeKey(std::uint32_t node, std::uint32_t token) {
  return (static_cast<std::uint64_t>(node) << 32) | token;
}

}  // namespace

std::uint32_t PhraseMatcher::add(const std::vector<std::string>& tokens,
                                 const std::string& context) {
  if (tokens.empty()) {
    throw Error(ErrorCode::InvalidConfiguration, context + ": phrase has no words");
  }
  std::uint32_t node = 0;
  for (const auto& text : tokens) {
    auto [vocabIt, inserted] =
        vocabulary_.try_emplace(text, static_cast<std::uint32_t>(vocabulary_.size()));
    const std::uint64_t key = edgeKey(node, vocabIt->second);
    auto edge = edges_.find(key);
    if (edge == edges_.end()) {
      const auto next = static_cast<std::uint32_t>(phraseAtNode_.size());
      phraseAtNode_.push_back(-1);
      edge = edges_.emplace(key, next).first;
    }
    node = edge->second;
  }
  if (phraseAtNode_[node] < 0) {
    phraseAtNode_[node] = static_cast<std::int32_t>(phraseCount_++);
  }
  return static_cast<std::uint32_t>(phraseAtNode_[node]);
}

void PhraseMatcher::encode(const std::vector<Token>& tokens,
                           std::vector<std::uint32_t>& ids) const {
  ids.resize(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto it = vocabulary_.find(std::string_view(tokens[i].text));
    ids[i] = it == vocabulary_.end() ? kUnknownToken : it->second;
  }
}

std::uint32_t PhraseMatcher::child(std::uint32_t node, std::uint32_t token) const {
  const auto it = edges_.find(edgeKey(node, token));
  return it == edges_.end() ? kNoNode : it->second;
}

bool PhraseMatcher::longestAt(const std::vector<std::uint32_t>& ids, std::uint32_t first,
                              std::uint32_t end, Match& match) const {
  std::uint32_t node = 0;
  bool found = false;
  for (std::uint32_t j = first; j < end; ++j) {
    if (ids[j] == kUnknownToken) break;
    node = child(node, ids[j]);
    if (node == kNoNode) break;
    if (phraseAtNode_[node] >= 0) {
      match = {first, j + 1, static_cast<std::uint32_t>(phraseAtNode_[node])};
      found = true;
    }
  }
  return found;
}

void PhraseMatcher::findAll(const std::vector<std::uint32_t>& ids, std::uint32_t begin,
                            std::uint32_t end, std::vector<Match>& out) const {
  std::uint32_t i = begin;
  while (i < end) {
    Match m{};
    if (longestAt(ids, i, end, m)) {
      out.push_back(m);
      i = m.last;
    } else {
      ++i;
    }
  }
}

}  // namespace medsight
