#pragma once
// Accepts TCP connections for HttpServer and starts an HttpSession for each. Beast and Asio types
// stay in listener.cpp; the server holds the listener through this interface.
// At options().max_connections open sessions it stops accepting until a session ends; when accept
// fails for want of descriptors (EMFILE, ENFILE) it waits options().accept_backoff and tries again,
// so neither a flood nor a descriptor shortage makes it spin.

#include <cstdint>
#include <memory>

#include "core/error.h"
#include "net/http_session.h"

namespace outreach::net {

class Listener {
 public:
  virtual ~Listener() = default;
  // Binds to shared->options().address:port and listens. The io_context must outlive the listener.
  static core::Result<std::shared_ptr<Listener>> open(boost::asio::io_context& ioc,
                                                      std::shared_ptr<ServerShared> shared);
  virtual std::uint16_t port() const = 0;
  // Starts the accept loop.
  virtual void run() = 0;
  // Stops accepting (closes the acceptor on its strand). Safe from any thread.
  virtual void stop() = 0;
};

}  // namespace outreach::net
