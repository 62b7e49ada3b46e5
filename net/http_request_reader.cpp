#include "net/http_request_reader.h"

#include <boost/asio/buffer.hpp>

#include "channels/form_encoding.h"

#include "net/beast_request.h"

namespace outreach::net {

namespace http = beast::http;

core::Result<HttpRequest> to_http_request(http::request<http::string_body>&& req, std::string remote_address) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  auto qpos = request.target.find('?');
  request.path = request.target.substr(0, qpos);
  if (qpos != std::string::npos) {
    auto fields = channels::form_decode(std::string_view(request.target).substr(qpos + 1));
    if (!fields) return fields.error();
    for (auto& [k, v] : *fields) request.query.emplace(k, v);
  }
  for (const auto& field : req) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(req.body());
  request.remote_address = std::move(remote_address);
  return request;
}

std::optional<ReadRefusal> refusal_for(const error_code& ec, const HttpServerOptions& options) {
  if (ec == http::error::body_limit) {
    return ReadRefusal{413, "payload_too_large", "request body exceeds " + std::to_string(options.body_limit) + " bytes"};
  }
  if (ec == http::error::header_limit) {
    return ReadRefusal{431, "header_too_large",
                       "request header exceeds " + std::to_string(options.header_limit) + " bytes"};
  }
  if (ec.category() == error_code(http::error::body_limit).category() && ec != http::error::partial_message &&
      ec != http::error::end_of_stream && ec != http::error::need_more) {
    return ReadRefusal{400, "invalid_input", "malformed HTTP request: " + ec.message()};
  }
  return std::nullopt;
}

ReadOutcome read_http_request(std::string_view bytes, const HttpServerOptions& options, std::string remote_address) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(options.header_limit);
  parser.body_limit(options.body_limit);
  parser.eager(true);
  ReadOutcome out;
  error_code ec;
  while (!parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec && ec != http::error::need_more) break;
    ec = {};
    if (bytes.empty()) {
      // The peer has closed: a message may end with the stream; otherwise it is unfinished. (Beast
      // completes an empty message at the end of a stream that sent nothing: that is no request.)
      if (!parser.is_done() && parser.got_some()) parser.put_eof(ec);
      break;
    }
    if (used == 0) break;  // the header is not complete in what is left: the server would wait
  }
  if (!parser.is_done() || ec) {
    if (auto refusal = ec ? refusal_for(ec, options) : std::nullopt) {
      out.status = refusal->status;
      out.code = std::move(refusal->code);
      out.message = std::move(refusal->message);
    }
    return out;
  }
  auto request = to_http_request(parser.release(), std::move(remote_address));
  if (!request) {
    out.status = 400;
    out.code = "invalid_input";
    out.message = request.error().what();
    return out;
  }
  out.request = std::move(request).take();
  return out;
}

}  // namespace outreach::net
