#include "net/listener.h"

#include <cerrno>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <spdlog/spdlog.h>

#include "net/asio.h"

namespace outreach::net {

namespace {

using tcp = asio::ip::tcp;

class TcpListener final : public Listener, public std::enable_shared_from_this<TcpListener> {
 public:
  TcpListener(asio::io_context& ioc, std::shared_ptr<ServerShared> shared)
      : ioc_(ioc),
        acceptor_(asio::make_strand(ioc)),
        backoff_(acceptor_.get_executor()),
        shared_(std::move(shared)) {}

  core::Status bind() {
    error_code ec;
    auto address = asio::ip::make_address(shared_->options().address, ec);
    if (ec) return core::Error::invalid("bad listen address '" + shared_->options().address + "'", "http.address");
    tcp::endpoint endpoint(address, shared_->options().port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    // Non-blocking, so that after each wake-up the backlog is drained without waiting (below).
    if (!ec) acceptor_.non_blocking(true, ec);
    if (ec) {
      return core::Error{core::ErrorCode::transient, "cannot listen on " + shared_->options().address + ":" +
                                                         std::to_string(shared_->options().port) + ": " + ec.message(),
                         "HttpServer::start"};
    }
    ipv6_ = endpoint.address().is_v6();
    port_ = acceptor_.local_endpoint(ec).port();
    return {};
  }

  std::uint16_t port() const override { return port_; }

  void run() override {
    // A session that ends lets a paused accept loop go on (on the acceptor's strand).
    std::weak_ptr<TcpListener> weak = shared_from_this();
    shared_->set_on_remove([weak] {
      if (auto self = weak.lock()) {
        asio::post(self->acceptor_.get_executor(), [self] { self->resume(); });
      }
    });
    asio::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&TcpListener::do_accept, shared_from_this()));
  }

  void stop() override {
    shared_->stop_all();
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ignored;
      self->acceptor_.close(ignored);
      self->backoff_.cancel();
    });
  }

 private:
  // Invariant (on the acceptor's strand): at most one of {an async_accept, the backoff wait,
  // paused_} is pending at a time, so the loop never runs twice.
  void do_accept() {
    if (!acceptor_.is_open()) return;
    if (shared_->size() >= shared_->options().max_connections) {
      if (!paused_) spdlog::warn("http accept: {} connections open, pausing until one closes", shared_->size());
      paused_ = true;
      return;
    }
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&TcpListener::on_accept, shared_from_this()));
  }

  void resume() {
    if (!paused_ || shared_->size() >= shared_->options().max_connections) return;
    paused_ = false;
    do_accept();
  }

  static bool out_of_descriptors(const error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
           ec == error_code(ENFILE, boost::system::system_category());
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec && out_of_descriptors(ec)) {
      // The pending connection stays in the backlog; trying again at once would spin at 100% CPU.
      if (!backing_off_logged_) spdlog::warn("http accept: {}; retrying every {} ms", ec.message(),
                                             shared_->options().accept_backoff.count());
      backing_off_logged_ = true;
      backoff_.expires_after(shared_->options().accept_backoff);
      backoff_.async_wait([self = shared_from_this()](error_code wec) {
        if (!wec) self->do_accept();
      });
      return;
    }
    if (ec) {
      spdlog::warn("http accept: {}", ec.message());
    } else if (!shared_->stopping()) {
      backing_off_logged_ = false;
      // Hand the descriptor over: the session's socket lives on its own strand.
      error_code rec;
      int fd = socket.release(rec);
      if (!rec && fd >= 0) start_http_session(ioc_, fd, ipv6_, shared_);
      accept_backlog();
    }
    do_accept();
  }

  // Takes the connections already waiting in the backlog at once (up to kAcceptBurst), instead of
  // one per turn of the io_context: when a thousand clients connect together, a connection that
  // waits for its accept behind every other handler would see its first request wait seconds.
  void accept_backlog() {
    constexpr int kAcceptBurst = 256;
    for (int i = 0; i < kAcceptBurst && !shared_->stopping() && shared_->size() < shared_->options().max_connections;
         ++i) {
      error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;  // would_block: the backlog is empty; other errors: the async accept sees them
      error_code rec;
      int fd = socket.release(rec);
      if (!rec && fd >= 0) start_http_session(ioc_, fd, ipv6_, shared_);
    }
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  std::shared_ptr<ServerShared> shared_;
  bool paused_ = false;
  bool backing_off_logged_ = false;
  std::uint16_t port_ = 0;
  bool ipv6_ = false;
};

}  // namespace

core::Result<std::shared_ptr<Listener>> Listener::open(asio::io_context& ioc, std::shared_ptr<ServerShared> shared) {
  auto listener = std::make_shared<TcpListener>(ioc, std::move(shared));
  if (auto st = listener->bind(); !st) return st.error();
  return std::shared_ptr<Listener>(listener);
}

}  // namespace outreach::net
