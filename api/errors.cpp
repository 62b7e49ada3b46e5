#include "api/errors.h"

#include <spdlog/spdlog.h>

namespace outreach::api {

int http_status(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::invalid_input: return 400;
    case core::ErrorCode::unauthorized: return 401;
    case core::ErrorCode::forbidden: return 403;
    case core::ErrorCode::not_found: return 404;
    case core::ErrorCode::conflict: return 409;
    case core::ErrorCode::permanent: return 422;
    case core::ErrorCode::transient: return 503;
    case core::ErrorCode::internal: return 500;
  }
  return 500;
}

Response error_response(const core::Error& e) {
  if (e.code == core::ErrorCode::internal) {
    spdlog::error("api: {}", e.what());
    return json_response(net::json_error_body("internal", "internal error"), 500);
  }
  if (e.code == core::ErrorCode::transient && e.message.rfind("database full", 0) == 0) {
    // Where the database lives is the operator's business, not a client's: the log names it.
    spdlog::error("api: {}", e.what());
    return json_response(net::json_error_body("transient", "database full: nothing was written; try again later"), 503);
  }
  if (e.code == core::ErrorCode::forbidden) return forbidden();
  if (e.code == core::ErrorCode::unauthorized) return unauthorized(e.message);
  return json_response(net::json_error_body(core::to_string(e.code), e.message, e.where), http_status(e.code));
}

Response invalid_field(const std::string& field, const std::string& message) {
  return error_response(core::Error::invalid(message, field));
}

Response forbidden() {
  return json_response(net::json_error_body("forbidden", "not allowed for this token"), 403);
}

Response unauthorized(const std::string& message) {
  Response r = json_response(net::json_error_body("unauthorized", message), 401);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"outreach\"");
  return r;
}

Response json_response(std::string body, int status) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

}  // namespace outreach::api
