#include "app/log_setup.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/json_writer.h"
#include "core/log_context.h"

namespace outreach::app {

namespace {

// `raw` as a JSON string (core::append_json_string) at the end of spdlog's buffer.
void append_json_string(spdlog::memory_buf_t& out, std::string_view raw) {
  std::string quoted;
  core::append_json_string(quoted, raw);
  out.append(quoted.data(), quoted.data() + quoted.size());
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t secs = duration_cast<seconds>(since_epoch).count();
    const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[96];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    const auto& context = core::log_context();
    dest.append(std::string_view("{\"ts\":\""));
    dest.append(std::string_view(ts));
    dest.append(std::string_view("\",\"level\":"));
    const auto level = spdlog::level::to_string_view(msg.level);
    append_json_string(dest, std::string_view(level.data(), level.size()));
    dest.append(std::string_view(",\"component\":"));
    append_json_string(dest, context.component.empty() ? std::string_view("outreach") : context.component);
    if (!context.request_id.empty()) {
      dest.append(std::string_view(",\"request_id\":"));
      append_json_string(dest, context.request_id);
    }
    dest.append(std::string_view(",\"message\":"));
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(std::string_view("}\n"));
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() { return std::make_unique<JsonFormatter>(); }

core::Status setup_logging(const std::string& format, const std::string& level) {
  if (format != "text" && format != "json") {
    return core::Error::invalid("expected 'text' or 'json', got '" + format + "'", "--log-format");
  }
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return core::Error::invalid("expected trace, debug, info, warn, error or off, got '" + level + "'", "--log-level");
  }
  if (format == "json") {
    // JSON lines on stderr, apart from the commands' own output on stdout.
    auto logger = std::make_shared<spdlog::logger>("outreach", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(json_log_formatter());
    spdlog::set_default_logger(std::move(logger));
  }
  spdlog::set_level(lvl);
  return {};
}

}  // namespace outreach::app
