#include "server/ServerMetrics.h"

namespace medsight {

std::string ServerMetrics::prometheusText() const {
  std::string out;
  auto counter = [&](const char* name, const char* help, const std::atomic<std::uint64_t>& v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(v.load()) + "\n";
  };
  counter("medsight_instances_stored_total", "DICOM instances stored durably", instancesStored);
  counter("medsight_instances_duplicate_total", "instances already stored (acknowledged, kept)",
          instancesDuplicate);
  counter("medsight_instances_rejected_total", "instances refused as malformed", instancesRejected);
  counter("medsight_associations_accepted_total", "DICOM associations accepted",
          associationsAccepted);
  counter("medsight_associations_rejected_total", "DICOM associations refused (AE title, peer)",
          associationsRejected);
  counter("medsight_http_requests_total", "HTTP requests answered", httpRequests);
  counter("medsight_http_client_errors_total", "HTTP 4xx answers", httpClientErrors);
  counter("medsight_http_server_errors_total", "HTTP 5xx answers", httpServerErrors);
  counter("medsight_jobs_done_total", "series analysed", jobsDone);
  counter("medsight_jobs_not_analysed_total", "series refused by routing or the quality gate",
          jobsNotAnalysed);
  counter("medsight_jobs_failed_total", "job attempts that failed", jobsFailed);
  counter("medsight_results_sent_total", "result objects sent to the PACS", resultsSent);
  return out;
}

}  // namespace medsight
