#pragma once
// Private to net/: the step from Beast's parsed request to the plain HttpRequest, and the answer
// the server gives for a read error, shared by the session (net/http_session.cpp) and the
// socket-free reader (net/http_request_reader.cpp). Includes Beast: include only from net/*.cpp.
#include <optional>
#include <string>

#include <boost/beast/http.hpp>

#include "core/error.h"
#include "net/asio.h"
#include "net/http_server.h"

namespace outreach::net {

// The request as the handler sees it. invalid_input when the query string cannot be decoded.
core::Result<HttpRequest> to_http_request(boost::beast::http::request<boost::beast::http::string_body>&& req,
                                          std::string remote_address);

struct ReadRefusal {
  int status;
  std::string code;
  std::string message;
};
// The answer to a parser error: 413 (body limit), 431 (header limit) or 400 (malformed). nullopt
// for errors that are not about the request's bytes (end of stream, timeout, partial message, ...):
// the connection just closes.
std::optional<ReadRefusal> refusal_for(const error_code& ec, const HttpServerOptions& options);

}  // namespace outreach::net
