#pragma once
// The engine's HTTP/1.1 server (Boost.Beast underneath, kept out of this header). It accepts on an
// io_context owned by the caller, gives every connection a session on its own strand, reads one
// request at a time with a fresh parser (header and body limits, a read timeout), hands a plain
// HttpRequest to the handler and writes the HttpResponse back, keeping the connection alive when
// the client asks for it.
//
// The handler is a plain function that never sees a socket (the api/ folder supplies it). It is
// called on the io_context's threads. A synchronous HttpHandler answers there and then (run the
// io_context on one thread when such a handler touches the database: storage::Database is not
// thread-safe). An AsyncHttpHandler may hand the work to another thread (a reader pool, the engine's
// writer thread) and call the responder from there, once; the session goes on on its own strand,
// so the io_context may then run on several threads.
//
// Errors answered by the server itself, without calling the handler: 413 when the body exceeds
// body_limit, 431 when the header exceeds header_limit, 400 for unparseable HTTP. Each comes with
// the JSON error shape the api uses: {"error":{"code":...,"message":...,"field":null}}.
//
// Lifetime: the io_context must outlive the server. stop() stops accepting and closes idle
// connections; a connection busy with a request finishes writing its response, then closes.
// The destructor calls stop().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace boost::asio {
class io_context;
}

namespace outreach::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One request as the handler sees it. Plain data.
struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // path and query as received: "/v1/cases?after=3"
  std::string path;     // "/v1/cases" (not percent-decoded)
  std::map<std::string, std::string> query;  // decoded; the first value of a repeated name wins
  HttpHeaders headers;  // in arrival order, names as sent
  std::string body;
  std::string remote_address;  // "127.0.0.1:51234"

  // Case-insensitive header lookup; nullptr when absent.
  const std::string* header(std::string_view name) const;
};

// One response. Plain data. When `stream` is set the body is sent with chunked transfer encoding:
// the server calls stream() until it returns nullopt, writing each piece as it comes (for large CSV
// and JSON exports); `body` is then ignored. `stream_async` does the same for a producer that must
// run on another thread: the server calls it with a callback, the producer calls that callback once
// with the next piece (nullopt at the end; failed = true breaks the transfer off, as an exception
// from stream() does) from any thread. stream_async wins over stream.
using ChunkCallback = std::function<void(std::optional<std::string> piece, bool failed)>;
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  HttpHeaders headers;  // extra headers (X-Request-Id, Content-Disposition, ...)
  std::string body;
  std::function<std::optional<std::string>()> stream;
  std::function<void(ChunkCallback)> stream_async;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Called once per request with the answer; safe from any thread.
using HttpResponder = std::function<void(HttpResponse)>;
using AsyncHttpHandler = std::function<void(HttpRequest, HttpResponder)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port; port() tells which
  std::size_t body_limit = 1024 * 1024;
  std::uint32_t header_limit = 16 * 1024;
  std::chrono::milliseconds read_timeout{30000};   // per request, header and body together
  std::chrono::milliseconds write_timeout{30000};
  std::size_t max_requests_per_connection = 10000;
  // At this many open connections the listener stops accepting until one closes (the kernel's
  // backlog holds the rest), so a flood cannot exhaust descriptors.
  std::size_t max_connections = 2048;
  // When accept fails for want of descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM) the listener waits
  // this long before trying again, instead of spinning on the error.
  std::chrono::milliseconds accept_backoff{100};
};

class Listener;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, HttpHandler handler);
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, AsyncHttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. invalid_input for a bad address, transient when the port is taken.
  core::Status start();
  // The bound port (after start()).
  std::uint16_t port() const { return port_; }
  // Stops accepting and closes connections once their current response is written. Safe from any
  // thread; idempotent.
  void stop();

 private:
  boost::asio::io_context& ioc_;
  HttpServerOptions options_;
  std::shared_ptr<const AsyncHttpHandler> handler_;
  std::shared_ptr<Listener> listener_;
  std::uint16_t port_ = 0;
};

// The error body every layer uses: {"error":{"code":"<code>","message":"<message>","field":null}}
// (field is a string when not empty). Escapes JSON itself: usable without a JSON library.
std::string json_error_body(std::string_view code, std::string_view message, std::string_view field = {});

}  // namespace outreach::net
