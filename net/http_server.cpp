#include "net/http_server.h"

#include <cctype>

#include "core/json_writer.h"
#include "net/listener.h"
#include "net/asio.h"

namespace outreach::net {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return &v;
  }
  return nullptr;
}

std::string json_error_body(std::string_view code, std::string_view message, std::string_view field) {
  std::string out = "{\"error\":{\"code\":";
  core::append_json_string(out, code);
  out += ",\"message\":";
  core::append_json_string(out, message);
  out += ",\"field\":";
  if (field.empty()) {
    out += "null";
  } else {
    core::append_json_string(out, field);
  }
  out += "}}";
  return out;
}

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, HttpHandler handler)
    : HttpServer(ioc, std::move(options),
                 AsyncHttpHandler([h = std::move(handler)](HttpRequest request, HttpResponder respond) {
                   respond(h(request));
                 })) {}

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, AsyncHttpHandler handler)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(std::make_shared<const AsyncHttpHandler>(std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  if (listener_) return core::Error::conflict("already started", "HttpServer::start");
  auto shared = std::make_shared<ServerShared>(options_, handler_);
  auto listener = Listener::open(ioc_, shared);
  if (!listener) return listener.error();
  listener_ = *listener;
  port_ = listener_->port();
  listener_->run();
  return {};
}

void HttpServer::stop() {
  if (listener_) listener_->stop();
}

}  // namespace outreach::net
