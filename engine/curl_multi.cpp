#include "engine/curl_multi.h"

#include <curl/curl.h>
#include <unistd.h>

#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/net.h"

namespace outreach::engine {
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
    Socket(net::io_context& io, curl_socket_t s) : fd(s), desc(io, s) {}
    curl_socket_t fd;
    net::posix::stream_descriptor desc;
    int want = 0;  // CURL_POLL_IN / OUT / INOUT
    bool read_pending = false;
    bool write_pending = false;
    bool removed = false;
  };

  net::io_context& io;
  CURLM* multi = nullptr;
  net::steady_timer timer;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::unordered_map<CURL*, Completion> transfers;
  int still_running = 0;

  explicit Impl(net::io_context& io_context) : io(io_context), timer(io_context) {}

  // --- libcurl callbacks: record state and start Asio waits, never call libcurl. ---

  static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      self->forget(s);
      return 0;
    }
    auto it = self->sockets.find(s);
    if (it == self->sockets.end()) {
      try {
        it = self->sockets.emplace(s, std::make_shared<Socket>(self->io, s)).first;
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
    if (timeout_ms < 0) {  // -1: delete the timer
      self->timer.cancel();
      return 0;
    }
    // 0 means "as soon as possible": still go through the timer so libcurl runs from a handler.
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer.async_wait([self](const error_code& ec) {
      if (ec == net::error::operation_aborted) return;
      self->action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  static int on_close_socket(void* clientp, curl_socket_t s) {
    auto* self = static_cast<Impl*>(clientp);
    self->forget(s);  // normally already done by CURL_POLL_REMOVE; safe to repeat
    return ::close(s);
  }

  // --- Asio side ---

  void forget(curl_socket_t s) {
    auto it = sockets.find(s);
    if (it == sockets.end()) return;
    auto sock = it->second;
    sockets.erase(it);
    sock->removed = true;
    sock->want = 0;
    sock->desc.release();  // cancels pending waits (they see `removed`), deregisters, keeps the fd
  }

  void arm(const std::shared_ptr<Socket>& sock) {
    if (sock->removed) return;
    if ((sock->want & CURL_POLL_IN) && !sock->read_pending) {
      sock->read_pending = true;
      sock->desc.async_wait(net::posix::stream_descriptor::wait_read,
                            [this, weak = std::weak_ptr<Socket>(sock)](const error_code& ec) {
                              on_ready(weak, ec, CURL_POLL_IN);
                            });
    }
    if ((sock->want & CURL_POLL_OUT) && !sock->write_pending) {
      sock->write_pending = true;
      sock->desc.async_wait(net::posix::stream_descriptor::wait_write,
                            [this, weak = std::weak_ptr<Socket>(sock)](const error_code& ec) {
                              on_ready(weak, ec, CURL_POLL_OUT);
                            });
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
    } else if (ec && ec != net::error::operation_aborted) {
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

CurlMulti::CurlMulti(net::io_context& io, CurlMultiOptions options)
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

}  // namespace outreach::engine
