#include "core/log_context.h"

namespace outreach::core {

namespace {
thread_local LogContext t_context;
}  // namespace

const LogContext& log_context() { return t_context; }

LogScope::LogScope(std::string component, std::string request_id) : saved_(t_context) {
  t_context.component = std::move(component);
  t_context.request_id = std::move(request_id);
}

LogScope::~LogScope() { t_context = std::move(saved_); }

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace outreach::core
