#pragma once

#include <cstddef>
#include <functional>

namespace medsight {

/// \brief Number of worker threads to use for `requested` (0 = all hardware threads, at least 1).
int resolveThreadCount(int requested);

/// \brief Runs body(i) for i in [0, count) on up to `threads` workers (0 = all cores), handing
/// out indices dynamically. The first exception thrown by any body is rethrown after all
/// workers stop; remaining indices are skipped once one has failed.
void parallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& body);

}  // namespace medsight
