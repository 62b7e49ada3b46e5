#pragma once
// How the api reports failure: one JSON shape for every error,
//   {"error":{"code":"invalid_input","message":"since: expected an ISO date","field":"since"}}
// and one function that maps core::ErrorCode to an HTTP status.

#include <string>

#include "api/http_types.h"
#include "core/error.h"

namespace outreach::api {

// invalid_input 400, unauthorized 401, forbidden 403, not_found 404, conflict 409,
// permanent 422, transient 503, internal 500.
int http_status(core::ErrorCode code);

// The error response for `e`. The field is e.where; internal errors hide their message.
Response error_response(const core::Error& e);
// An error response naming a field: error_response(Error::invalid(message, field)).
Response invalid_field(const std::string& field, const std::string& message);
// 403 with a fixed message: tells nothing about whether the thing exists.
Response forbidden();
// 401 with a WWW-Authenticate challenge.
Response unauthorized(const std::string& message);

// 200 (or `status`) with a JSON body.
Response json_response(std::string body, int status = 200);

}  // namespace outreach::api
