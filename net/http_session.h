#pragma once
// One HTTP connection of HttpServer: read a request (fresh parser, limits, timeout), call the
// handler, write the response, repeat while keep-alive holds. The session lives on its own strand
// and is owned by the operations it has pending (shared_from_this bound into every handler), so it
// ends quietly when a handler starts nothing new. Beast types stay in http_session.cpp: this header
// hands over an accepted socket as a native descriptor.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "net/http_server.h"

namespace outreach::net {

// What a session can be asked from outside its strand.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  // Close once the current response (if any) is written. Safe from any thread.
  virtual void stop() = 0;
};

// State shared by the listener and its sessions: options, handler and the set of live sessions.
// Safe from any thread (one mutex; sessions are copied out under it and stopped outside it).
class ServerShared {
 public:
  ServerShared(HttpServerOptions options, std::shared_ptr<const AsyncHttpHandler> handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  const HttpServerOptions& options() const { return options_; }
  const AsyncHttpHandler& handler() const { return *handler_; }

  // Returns false (and registers nothing) once stop_all() ran.
  bool add(std::uint64_t id, std::weak_ptr<SessionControl> session);
  // Unregisters a session and then calls the on_remove callback (outside the lock).
  void remove(std::uint64_t id);
  // Sessions registered now.
  std::size_t size() const;
  // Called after every remove(), from the thread that removed: the listener resumes accepting.
  void set_on_remove(std::function<void()> callback);
  void stop_all();
  bool stopping() const;
  std::uint64_t next_id();

 private:
  const HttpServerOptions options_;
  const std::shared_ptr<const AsyncHttpHandler> handler_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<SessionControl>> sessions_;  // GUARDED_BY(mutex_)
  std::uint64_t next_id_ = 1;                                        // GUARDED_BY(mutex_)
  bool stopping_ = false;                                            // GUARDED_BY(mutex_)
  std::function<void()> on_remove_;                                  // GUARDED_BY(mutex_)
};

// Takes ownership of `native_socket` (an accepted, connected TCP socket) and serves it.
void start_http_session(boost::asio::io_context& ioc, int native_socket, bool ipv6,
                        std::shared_ptr<ServerShared> shared);

}  // namespace outreach::net
