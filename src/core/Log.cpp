#include "core/Log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace medsight {
namespace {

/// One JSON object per line, so log shippers (journald, Loki, ELK) parse records without regexes.
class JsonLinesSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
    nlohmann::json record{
        {"ts_ms", ms},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
        {"thread", msg.thread_id},
    };
    const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

void Log::configure(const std::string& level, bool jsonLines) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(ErrorCode::InvalidArgument,
                "unknown log level '" + level + "' (use trace, debug, info, warn, error, off)");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (jsonLines) {
    logger = std::make_shared<spdlog::logger>("medsight", std::make_shared<JsonLinesSink>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "medsight", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

}  // namespace medsight
