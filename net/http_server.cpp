#include "net/http_server.h"

#include <cctype>
#include <cstdio>

#include "core/text_encoding.h"
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

void append_json_string(std::string& out, std::string_view raw) {
  const std::string s = core::repair_utf8(raw);  // a message may quote what the client sent
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
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
  append_json_string(out, code);
  out += ",\"message\":";
  append_json_string(out, message);
  out += ",\"field\":";
  if (field.empty()) {
    out += "null";
  } else {
    append_json_string(out, field);
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
