#pragma once
// CurlMulti: one libcurl multi handle driven by an Asio io_context.
//
// libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to time out
// (CURLMOPT_TIMERFUNCTION); we turn those into waits on the io_context and call
// curl_multi_socket_action when a socket is ready or the timer fires. Completed transfers are
// reported through the callback given to add(). The multi handle keeps the connection cache, so
// keep-alive connections are reused across easy handles.
//
// Invariants:
//  1. libcurl is never called from inside a libcurl callback: socket and timer callbacks only
//     record state and start Asio waits; curl_multi_socket_action runs from Asio handlers.
//  2. Sockets: curl's fds are watched through posix::stream_descriptor wrappers that never own
//     them. Sockets curl opens for connections (CURLOPT_OPENSOCKETFUNCTION) stay registered while
//     idle in the connection cache and are deregistered in CURLOPT_CLOSESOCKETFUNCTION before
//     close(2); other fds are deregistered on CURL_POLL_REMOVE. Because Asio's reactor is
//     edge-triggered and libcurl expects level-triggered readiness, each wait is preceded by a
//     zero-timeout poll(2) and posted at once when the socket is already ready.
//  3. A completion callback runs on the io_context after the easy handle was removed from the
//     multi handle; it may add new transfers (including the same easy handle).
//
// Threading: use only from the thread running the io_context (one io_context thread, no mutexes).
// `io` must outlive the CurlMulti. Destroying the CurlMulti aborts transfers still running
// without calling their callbacks.

#include <cstddef>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace outreach::net {

struct CurlMultiOptions {
  long max_host_connections = 0;   // CURLMOPT_MAX_HOST_CONNECTIONS; 0 = unlimited
  long max_total_connections = 0;  // CURLMOPT_MAX_TOTAL_CONNECTIONS; 0 = unlimited
  long max_cached_connections = 0; // CURLMOPT_MAXCONNECTS; 0 = libcurl's default
};

class CurlMulti {
 public:
  // `easy` is a CURL* handed to add(); `curl_code` is the transfer's CURLcode (0 = CURLE_OK).
  using Completion = std::function<void(void* easy, int curl_code)>;

  explicit CurlMulti(boost::asio::io_context& io, CurlMultiOptions options = {});
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts a transfer on a fully configured easy handle (a CURL*). Sets CURLOPT_NOSIGNAL and the
  // socket bookkeeping options on it. `done` runs exactly once on the io_context, unless the
  // transfer is cancelled or the CurlMulti is destroyed first. Returns false when libcurl refused
  // the handle (then `done` is never called).
  // Requires: `easy` is not already added.
  bool add(void* easy, Completion done);

  // Aborts a transfer started with add(); its callback is not called. No-op for unknown handles.
  void cancel(void* easy);

  // Transfers added and not yet completed or cancelled.
  std::size_t active() const;

  boost::asio::io_context& io();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outreach::net
