#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace medsight {

/// \brief Counters of a running server, shown at /api/metrics in the Prometheus text format
/// (https://prometheus.io/docs/instrumenting/exposition_formats/). Lock-free.
struct ServerMetrics {
  std::atomic<std::uint64_t> instancesStored{0};
  std::atomic<std::uint64_t> instancesDuplicate{0};
  std::atomic<std::uint64_t> instancesRejected{0};
  std::atomic<std::uint64_t> associationsAccepted{0};
  std::atomic<std::uint64_t> associationsRejected{0};
  std::atomic<std::uint64_t> httpRequests{0};
  std::atomic<std::uint64_t> httpClientErrors{0};
  std::atomic<std::uint64_t> httpServerErrors{0};
  std::atomic<std::uint64_t> jobsDone{0};
  std::atomic<std::uint64_t> jobsNotAnalysed{0};
  std::atomic<std::uint64_t> jobsFailed{0};
  std::atomic<std::uint64_t> resultsSent{0};

  /// \brief The counters in Prometheus text format.
  std::string prometheusText() const;
};

}  // namespace medsight
