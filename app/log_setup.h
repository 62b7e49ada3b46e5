#pragma once
// How `outreach` logs (spdlog's default logger): "text" is spdlog's usual line (on stdout, as
// before); "json" is one JSON object per line on stderr, for log shippers:
//   {"ts":"2026-11-26T02:10:00.123Z","level":"info","component":"api","request_id":"…","message":"…"}
// `component` and `request_id` come from the thread's core::LogContext (the router sets them for
// every HTTP request), so every line logged while a request is handled carries its request id;
// request_id is left out outside a request. The message is escaped as JSON and repaired to UTF-8;
// what a message may say is the caller's rule (core/log_mask.h: no personal data, no secrets).

#include <memory>
#include <string>

#include "core/error.h"

namespace spdlog {
class formatter;
}

namespace outreach::app {

// format "text" or "json", level "trace", "debug", "info", "warn", "error" or "off"; invalid_input
// naming --log-format / --log-level otherwise.
core::Status setup_logging(const std::string& format, const std::string& level);

// The JSON-lines formatter (exposed for tests).
std::unique_ptr<spdlog::formatter> json_log_formatter();

}  // namespace outreach::app
