#pragma once
// Runs a function every `interval` on an io_context's thread, from start() until stop() or
// destruction: the timer the engine's periodic jobs share. The first run is one interval after
// start(). Use from the io_context's thread.

#include <functional>
#include <memory>

#include "core/clock.h"

namespace boost::asio {
class io_context;
}

namespace outreach::engine {

class Periodic {
 public:
  Periodic(boost::asio::io_context& ioc, core::Millis interval, std::function<void()> run);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void start();
  void stop();

 private:
  struct Timer;
  void arm();

  std::unique_ptr<Timer> timer_;
  core::Millis interval_;
  std::function<void()> run_;
};

}  // namespace outreach::engine
