#include "net/curl_multi.h"

#include <curl/curl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "net/asio.h"

namespace outreach::net {
namespace {

// curl_global_init once per process, before the first multi handle (thread-safe since C++11).
void ensure_global_init() {
  static const bool once = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)once;
}

}  // namespace

struct CurlMulti::Impl {
  // One socket libcurl asked us to watch. The descriptor wraps curl's fd without owning it:
  // it is release()d (never closed) when curl stops watching or closes the socket.
  struct Socket {
    Socket(asio::io_context& io, curl_socket_t s) : fd(s), desc(io, s) {}
    curl_socket_t fd;
    asio::posix::stream_descriptor desc;
    int want = 0;  // CURL_POLL_IN / OUT / INOUT
    bool read_pending = false;
    bool write_pending = false;
    bool removed = false;
    bool owned = false;  // opened through on_open_socket: stays registered until on_close_socket
  };

  asio::io_context& io;
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::unordered_map<CURL*, Completion> transfers;
  std::unordered_set<curl_socket_t> owned;  // sockets created by on_open_socket, not yet closed
  int still_running = 0;
  // The deadline libcurl asked for (nullopt: none). The steady_timer may be set earlier than it;
  // a later deadline does not re-arm the timer (each re-arm costs a cancel and a timerfd update).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool timer_armed = false;
  std::chrono::steady_clock::time_point timer_expiry;

  explicit Impl(asio::io_context& io_context) : io(io_context), timer(io_context) {}

  // --- libcurl callbacks: record state and start Asio waits, never call libcurl. ---

  static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      auto it = self->sockets.find(s);
      if (it != self->sockets.end() && it->second->owned) {
        it->second->want = 0;  // idle (e.g. cached connection): stay registered until closed
      } else {
        self->forget(s);
      }
      return 0;
    }
    auto it = self->sockets.find(s);
    if (it == self->sockets.end()) {
      try {
        it = self->sockets.emplace(s, std::make_shared<Socket>(self->io, s)).first;
        it->second->owned = self->owned.count(s) > 0;
      } catch (const std::exception&) {
        return -1;  // libcurl fails the transfer; never let an exception cross C code
      }
    }
    it->second->want = what;
    self->arm(it->second);
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (timeout_ms < 0) {  // -1: delete the timer (also lets io_context::run return when idle)
      self->deadline.reset();
      if (self->timer_armed) {
        self->timer_armed = false;
        self->timer.cancel();
      }
      return 0;
    }
    // 0 means "as soon as possible": still go through the timer so libcurl runs from a handler.
    self->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (!self->timer_armed || *self->deadline < self->timer_expiry) self->arm_timer(*self->deadline);
    return 0;
  }

  static curl_socket_t on_open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* addr) {
    auto* self = static_cast<Impl*>(clientp);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    const curl_socket_t s = ::socket(addr->family, addr->socktype, addr->protocol);
    if (s != CURL_SOCKET_BAD) self->owned.insert(s);
    return s;
  }

  static int on_close_socket(void* clientp, curl_socket_t s) {
    auto* self = static_cast<Impl*>(clientp);
    self->forget(s);  // deregister before the fd number can be reused
    self->owned.erase(s);
    return ::close(s);
  }

  // --- Asio side ---

  void arm_timer(std::chrono::steady_clock::time_point at) {
    timer_armed = true;
    timer_expiry = at;
    timer.expires_at(at);  // cancels a pending wait: its handler sees operation_aborted
    timer.async_wait([this](const error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      timer_armed = false;
      if (!deadline) return;
      if (std::chrono::steady_clock::now() < *deadline) {
        arm_timer(*deadline);
        return;
      }
      deadline.reset();
      action(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  void forget(curl_socket_t s) {
    auto it = sockets.find(s);
    if (it == sockets.end()) return;
    auto sock = it->second;
    sockets.erase(it);
    sock->removed = true;
    sock->want = 0;
    sock->desc.release();  // cancels pending waits (they see `removed`), deregisters, keeps the fd
  }

  // Asio's epoll reactor is edge-triggered, while libcurl expects level-triggered readiness: a
  // socket that is already readable or writable (data left unread, a reused idle connection) may
  // never produce another edge. So before waiting, poll(2) the socket once; when it is ready, post
  // the handler instead of waiting.
  void arm(const std::shared_ptr<Socket>& sock) {
    if (sock->removed) return;
    const bool need_read = (sock->want & CURL_POLL_IN) && !sock->read_pending;
    const bool need_write = (sock->want & CURL_POLL_OUT) && !sock->write_pending;
    if (!need_read && !need_write) return;
    pollfd p{sock->fd, static_cast<short>((need_read ? POLLIN : 0) | (need_write ? POLLOUT : 0)), 0};
    const bool polled = ::poll(&p, 1, 0) >= 0;
    const short bad = POLLERR | POLLHUP | POLLNVAL;
    if (need_read) {
      sock->read_pending = true;
      start_wait(sock, CURL_POLL_IN, polled && (p.revents & (POLLIN | bad)));
    }
    if (need_write) {
      sock->write_pending = true;
      start_wait(sock, CURL_POLL_OUT, polled && (p.revents & (POLLOUT | bad)));
    }
  }

  void start_wait(const std::shared_ptr<Socket>& sock, int direction, bool ready_now) {
    auto handler = [this, weak = std::weak_ptr<Socket>(sock), direction](const error_code& ec) {
      on_ready(weak, ec, direction);
    };
    if (ready_now) {
      asio::post(io, [handler] { handler(error_code()); });
    } else {
      sock->desc.async_wait(direction == CURL_POLL_IN ? asio::posix::stream_descriptor::wait_read
                                                      : asio::posix::stream_descriptor::wait_write,
                            handler);
    }
  }

  void on_ready(const std::weak_ptr<Socket>& weak, const error_code& ec, int direction) {
    auto sock = weak.lock();
    if (!sock) return;
    if (direction == CURL_POLL_IN) sock->read_pending = false;
    else sock->write_pending = false;
    if (sock->removed) return;
    if (!ec && (sock->want & direction)) {
      action(sock->fd, direction == CURL_POLL_IN ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    } else if (ec && ec != asio::error::operation_aborted) {
      action(sock->fd, CURL_CSELECT_ERR);
    }
    arm(sock);  // waits are one-shot; keep watching while curl wants this direction
  }

  void action(curl_socket_t s, int ev_bitmask) {
    curl_multi_socket_action(multi, s, ev_bitmask, &still_running);
    drain_completed();
  }

  void drain_completed() {
    std::vector<std::pair<CURL*, CURLcode>> done;
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
      if (msg->msg == CURLMSG_DONE) done.emplace_back(msg->easy_handle, msg->data.result);
    }
    for (auto& [easy, code] : done) {
      curl_multi_remove_handle(multi, easy);
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      Completion cb = std::move(it->second);
      transfers.erase(it);
      if (cb) cb(easy, static_cast<int>(code));
    }
  }
};

CurlMulti::CurlMulti(asio::io_context& io, CurlMultiOptions options)
    : impl_(std::make_unique<Impl>(io)) {
  ensure_global_init();
  impl_->multi = curl_multi_init();
  if (!impl_->multi) throw std::runtime_error("CurlMulti: curl_multi_init failed");
  CURLM* m = impl_->multi;
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, impl_.get());
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, impl_.get());
  if (options.max_host_connections > 0)
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, options.max_host_connections);
  if (options.max_total_connections > 0)
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_total_connections);
  if (options.max_cached_connections > 0)
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, options.max_cached_connections);
}

CurlMulti::~CurlMulti() {
  for (auto& [easy, cb] : impl_->transfers) curl_multi_remove_handle(impl_->multi, easy);
  impl_->transfers.clear();
  // Cleanup closes cached connections through on_close_socket, which needs the Impl alive.
  curl_multi_cleanup(impl_->multi);
  impl_->timer.cancel();
  for (auto& [fd, sock] : impl_->sockets) {
    sock->removed = true;
    sock->desc.release();
  }
  impl_->sockets.clear();
}

bool CurlMulti::add(void* easy_ptr, Completion done) {
  CURL* easy = static_cast<CURL*>(easy_ptr);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, impl_.get());
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, impl_.get());
  impl_->transfers[easy] = std::move(done);
  if (curl_multi_add_handle(impl_->multi, easy) != CURLM_OK) {
    impl_->transfers.erase(easy);
    return false;
  }
  return true;
}

void CurlMulti::cancel(void* easy_ptr) {
  CURL* easy = static_cast<CURL*>(easy_ptr);
  auto it = impl_->transfers.find(easy);
  if (it == impl_->transfers.end()) return;
  impl_->transfers.erase(it);
  curl_multi_remove_handle(impl_->multi, easy);
}

std::size_t CurlMulti::active() const { return impl_->transfers.size(); }

boost::asio::io_context& CurlMulti::io() { return impl_->io; }

}  // namespace outreach::net
