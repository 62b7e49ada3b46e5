#pragma once
// What a log line says about where it came from, beyond its text: the component ("api", "engine")
// and the HTTP request being served, if any. Kept per thread: a LogScope sets both for the work it
// wraps (the router wraps each request on whichever thread runs it) and restores the previous ones
// when it ends, so every line logged while a request is handled carries its request id.
// The JSON log format (app/log_setup.h) reads them; nothing here logs.

#include <string>
#include <string_view>

namespace outreach::core {

struct LogContext {
  std::string component;   // empty: "outreach"
  std::string request_id;  // empty outside a request
};

// The calling thread's current context.
const LogContext& log_context();

class LogScope {
 public:
  LogScope(std::string component, std::string request_id);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  LogContext saved_;
};

// True when `id` is a request id we accept from a client (X-Request-Id): 1 to 64 characters of
// A-Z a-z 0-9 and - _ . : (no spaces, quotes or control characters, so it is safe in logs, headers
// and the audit log).
bool sane_request_id(std::string_view id);

}  // namespace outreach::core
