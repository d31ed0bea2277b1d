#include "core/PathContainment.h"

namespace medsight {
namespace {

/// Whether the components of `outer` begin `inner`; if so `rest` points past them in `inner`.
bool prefixEnd(const std::filesystem::path& inner, const std::filesystem::path& outer,
               std::filesystem::path::iterator* rest) {
  auto i = inner.begin();
  for (const auto& o : outer) {
    // A trailing separator gives an empty last component; it matches nothing in `inner` (and
    // must not advance `i`, which may already be at its end).
    if (o.empty()) continue;
    if (i == inner.end() || *i != o) return false;
    ++i;
  }
  *rest = i;
  return true;
}

}  // namespace

bool PathContainment::isWithin(const std::filesystem::path& inner,
                               const std::filesystem::path& outer) {
  std::filesystem::path::iterator rest;
  return prefixEnd(inner, outer, &rest);
}

bool PathContainment::isStrictlyInside(const std::filesystem::path& inner,
                                       const std::filesystem::path& outer) {
  std::filesystem::path::iterator rest;
  if (!prefixEnd(inner, outer, &rest)) return false;
  // A trailing separator on `inner` leaves one empty component: that is still `outer` itself.
  for (; rest != inner.end(); ++rest) {
    if (!rest->empty()) return true;
  }
  return false;
}

std::filesystem::path PathContainment::canonical(const std::filesystem::path& path) {
  // weakly_canonical resolves any symbolic link on the way to an existing folder.
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) canonical = std::filesystem::absolute(path).lexically_normal();
  if (!canonical.has_filename()) canonical = canonical.parent_path();
  return canonical;
}

}  // namespace medsight
