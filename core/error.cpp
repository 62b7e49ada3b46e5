#include "core/error.h"

namespace outreach::core {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input: return "invalid_input";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::transient: return "transient";
    case ErrorCode::permanent: return "permanent";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

Error Error::within(const std::string& outer) const& {
  Error e = *this;
  e.where = where.empty() ? outer : outer + ": " + where;
  return e;
}

std::string Error::what() const { return where.empty() ? message : where + ": " + message; }

}  // namespace outreach::core
