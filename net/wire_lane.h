#pragma once
// WireLane: a thread of its own for the network. It runs an io_context on which a CurlMulti and
// its HttpTransports live, so that the engine's thread (claims, send-time checks, rendering,
// outcomes, every database write) and libcurl's socket work (writing requests, reading and
// parsing answers) run side by side instead of taking turns on one thread.
//
// The engine hands work over with round_trip(): `work` runs on the wire thread and gets a `home`
// function; what it passes to `home` runs on the home io_context (the engine's thread). Between
// the hand-over and the `home` call the home io_context counts the round trip as outstanding work,
// so its run()/run_one() does not return while an answer is still to come.
//
// Lifetime: stop() (also run by the destructor) stops the wire thread and joins it; handlers still
// queued on the wire are dropped with their `home` functions, never run. Objects living on the
// wire (CurlMulti, HttpTransport) may be destroyed from any thread after stop(), and must be
// destroyed before the WireLane. The home io_context must outlive the WireLane.
// Threading: round_trip(), io() and stop() from the home thread; `home` may be called from any thread.

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace outreach::net {

class WireLane {
 public:
  using Home = std::function<void(std::function<void()>)>;

  explicit WireLane(boost::asio::io_context& home);
  ~WireLane();
  WireLane(const WireLane&) = delete;
  WireLane& operator=(const WireLane&) = delete;

  // The wire's io_context: build a CurlMulti on it (before start()).
  boost::asio::io_context& io();
  // Starts the wire thread. Idempotent.
  void start();
  // Stops the wire thread after the handler it is running, and joins it. Idempotent.
  void stop();

  // Runs `work` on the wire thread; it must call its Home at most once (exactly once unless the
  // lane stops first) with what is to run on the home thread.
  void round_trip(std::function<void(Home)> work);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outreach::net
