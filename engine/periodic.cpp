#include "engine/periodic.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace outreach::engine {

namespace asio = boost::asio;

struct Periodic::Timer {
  explicit Timer(asio::io_context& ioc) : timer(ioc) {}
  asio::steady_timer timer;
  // Shared with the pending wait: a wait that completed before stop() must not run, and must not
  // touch this object, which may be gone by then.
  std::shared_ptr<bool> running = std::make_shared<bool>(false);
};

Periodic::Periodic(asio::io_context& ioc, core::Millis interval, std::function<void()> run)
    : timer_(std::make_unique<Timer>(ioc)), interval_(interval), run_(std::move(run)) {}

Periodic::~Periodic() { stop(); }

void Periodic::start() {
  *timer_->running = true;
  arm();
}

void Periodic::stop() {
  *timer_->running = false;
  timer_->timer.cancel();
}

void Periodic::arm() {
  timer_->timer.expires_after(interval_);
  timer_->timer.async_wait([this, running = timer_->running](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted || !*running) return;
    run_();
    if (*running) arm();
  });
}

}  // namespace outreach::engine
