#include "net/http_session.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <exception>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "net/asio.h"
#include "net/beast_request.h"

namespace outreach::net {

namespace http = beast::http;
using tcp = asio::ip::tcp;

bool ServerShared::add(std::uint64_t id, std::weak_ptr<SessionControl> session) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  sessions_.emplace(id, std::move(session));
  return true;
}

void ServerShared::remove(std::uint64_t id) {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
    callback = on_remove_;
  }
  if (callback) callback();
}

std::size_t ServerShared::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void ServerShared::set_on_remove(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_remove_ = std::move(callback);
}

void ServerShared::stop_all() {
  std::vector<std::shared_ptr<SessionControl>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->stop();
}

bool ServerShared::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::uint64_t ServerShared::next_id() {
  std::lock_guard lock(mutex_);
  return next_id_++;
}

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool iequals(beast::string_view a, std::string_view b) { return beast::iequals(a, beast::string_view(b.data(), b.size())); }

class HttpSession final : public SessionControl, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(asio::io_context& ioc, std::shared_ptr<ServerShared> shared, std::uint64_t id)
      : stream_(asio::make_strand(ioc)), shared_(std::move(shared)), id_(id) {}

  ~HttpSession() override { shared_->remove(id_); }

  bool adopt(int fd, bool ipv6) {
    error_code ec;
    stream_.socket().assign(ipv6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) return false;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = remote.address().to_string() + ":" + std::to_string(remote.port());
    return true;
  }

  void run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this())); }

  void stop() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->reading_) self->stream_.cancel();
    });
  }

 private:
  const HttpServerOptions& options() const { return shared_->options(); }

  void do_read() {
    if (stopping_ || served_ >= options().max_requests_per_connection) return do_close();
    parser_.emplace();
    parser_->header_limit(options().header_limit);
    parser_->body_limit(options().body_limit);
    stream_.expires_after(options().read_timeout);
    reading_ = true;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    if (iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code wec, std::size_t) {
                         if (wec) return self->fail(wec, "write 100-continue");
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_read({}, 0);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read_error(error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout) {
      return do_close();
    }
    if (ec == http::error::partial_message) return do_close();
    if (auto refusal = refusal_for(ec, options())) return send_error(refusal->status, refusal->code, refusal->message);
    fail(ec, "read");
  }

  void on_read(error_code ec, std::size_t) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    ++served_;
    http::request<http::string_body> req = parser_->release();
    parser_.reset();

    keep_alive_ = req.keep_alive();
    version_ = req.version();
    auto converted = to_http_request(std::move(req), remote_);
    if (!converted) {
      return send_error(400, "invalid_input", converted.error().what());
    }
    HttpRequest request = std::move(converted).take();

    // The handler may answer at once or later from another thread; either way the answer comes
    // back to this session's strand. A handler that throws before answering gets a 500.
    auto self = shared_from_this();
    auto respond = [self, answered = std::make_shared<std::atomic<bool>>(false)](HttpResponse r) {
      if (answered->exchange(true)) return;  // once
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
    };
    try {
      shared_->handler()(std::move(request), respond);
    } catch (const std::exception& e) {
      spdlog::error("http handler: {}", e.what());
      respond(HttpResponse{500, "application/json", {}, json_error_body("internal", "internal error"), {}, {}});
    }
  }

  template <class Message>
  void prepare(Message& res, const HttpResponse& r) {
    res.result(static_cast<unsigned>(r.status));
    res.set(http::field::server, "outreach");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.insert(k, v);
    res.keep_alive(keep_alive_ && !stopping_);
  }

  void send(HttpResponse r) {
    stream_.expires_after(options().write_timeout);
    if (r.stream || r.stream_async) {
      auto res = std::make_shared<http::response<http::empty_body>>(http::status::ok, version_);
      prepare(*res, r);
      res->chunked(true);
      auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
      producer_ = std::move(r.stream);
      async_producer_ = std::move(r.stream_async);
      close_after_ = !res->keep_alive();
      holder_ = res;
      serializer_ = sr;
      http::async_write_header(stream_, *sr, [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->fail(ec, "write header");
        self->write_next_chunk();
      });
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, version_);
    prepare(*res, r);
    res->body() = std::move(r.body);
    res->prepare_payload();
    close_after_ = res->need_eof();
    holder_ = res;
    http::async_write(stream_, *res, beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
  }

  void write_next_chunk() {
    if (async_producer_) {
      // The producer runs where it must (a reader thread); its piece comes back to this strand.
      auto self = shared_from_this();
      async_producer_([self](std::optional<std::string> next, bool failed) {
        asio::post(self->stream_.get_executor(), [self, next = std::move(next), failed]() mutable {
          if (failed) return self->do_close();  // the status line is gone: break the transfer off
          self->write_chunk(std::move(next));
        });
      });
      return;
    }
    std::optional<std::string> next;
    try {
      do {
        next = producer_();
      } while (next && next->empty());
    } catch (const std::exception& e) {
      // The status line is gone already: the only honest signal left is a broken transfer.
      spdlog::error("http stream: {}", e.what());
      return do_close();
    }
    write_chunk(std::move(next));
  }

  void write_chunk(std::optional<std::string> next) {
    if (next && next->empty()) return write_next_chunk();
    stream_.expires_after(options().write_timeout);
    if (next) {
      chunk_ = std::move(*next);
      asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->fail(ec, "write chunk");
        self->write_next_chunk();
      });
      return;
    }
    asio::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->producer_ = nullptr;
      self->async_producer_ = nullptr;
      self->serializer_.reset();
      self->on_write(ec, n);
    });
  }

  void send_error(int status, std::string_view code, const std::string& message) {
    keep_alive_ = false;
    lingering_ = true;
    send(HttpResponse{status, "application/json", {}, json_error_body(code, message), {}, {}});
  }

  void on_write(error_code ec, std::size_t) {
    holder_.reset();
    chunk_.clear();
    if (ec) return fail(ec, "write");
    if (lingering_) return do_linger();
    if (close_after_ || stopping_) return do_close();
    do_read();
  }

  // After refusing a request whose body we did not read: stop sending, then drain what the client
  // still sends for a moment, so closing does not reset the connection before it reads our answer.
  void do_linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->do_close();
      self->do_linger_more();
    });
  }

  void do_linger_more() {
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->do_close();
      self->do_linger_more();
    });
  }

  void fail(error_code ec, const char* what) {
    if (ec != asio::error::operation_aborted && ec != beast::error::timeout && ec != asio::error::connection_reset &&
        ec != asio::error::broken_pipe) {
      spdlog::debug("http {}: {}", what, ec.message());
    }
    do_close();
  }

  void do_close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<ServerShared> shared_;
  std::uint64_t id_;
  std::string remote_;
  bool stopping_ = false;
  bool reading_ = false;
  bool keep_alive_ = false;
  bool close_after_ = false;
  bool lingering_ = false;
  unsigned version_ = 11;
  std::size_t served_ = 0;
  std::shared_ptr<void> holder_;      // the response being written
  std::shared_ptr<void> serializer_;  // for a streamed response
  std::function<std::optional<std::string>()> producer_;
  std::function<void(ChunkCallback)> async_producer_;
  std::string chunk_;
  std::array<char, 4096> drain_{};
};

}  // namespace

void start_http_session(asio::io_context& ioc, int native_socket, bool ipv6, std::shared_ptr<ServerShared> shared) {
  std::uint64_t id = shared->next_id();
  auto session = std::make_shared<HttpSession>(ioc, shared, id);
  if (!session->adopt(native_socket, ipv6)) {
    ::close(native_socket);
    return;
  }
  if (!shared->add(id, session)) return;
  session->run();
}

}  // namespace outreach::net
