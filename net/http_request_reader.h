#pragma once
// What the server makes of the bytes of one request, without a socket: the session's parser with
// the server's header and body limits, and the same conversion to HttpRequest the session hands to
// its handler (method, target, path, decoded query, headers, body). Tests and the HTTP fuzz target
// use it to reach the whole request path in memory. Pure; safe from any thread.
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace outreach::net {

struct ReadOutcome {
  std::optional<HttpRequest> request;  // a complete request the handler would get
  // Otherwise: the status the server answers with (400 malformed request or query, 413 body too
  // large, 431 header too large) and the error's code and message, as in json_error_body; or
  // status 0 when the bytes end before the request does (the server would wait, then close).
  int status = 0;
  std::string code;
  std::string message;
};

// Reads the first request in `bytes` (bytes after it are left alone, as for pipelining).
ReadOutcome read_http_request(std::string_view bytes, const HttpServerOptions& options, std::string remote_address = {});

}  // namespace outreach::net
