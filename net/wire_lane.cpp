#include "net/wire_lane.h"

#include <boost/asio/executor_work_guard.hpp>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "net/asio.h"

namespace outreach::net {

namespace {

using Guard = asio::executor_work_guard<asio::io_context::executor_type>;

// Work handed from one thread to another: items pushed while a drain is pending join it, so a
// burst (a claimed batch's requests, the answers of one curl turn) costs one hand-over, not one
// wake-up per item.
class Handover {
 public:
  explicit Handover(asio::io_context& to) : to_(to) {}
  void push(std::function<void()> fn) {
    bool post = false;
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
      post = !scheduled_;
      scheduled_ = true;
    }
    if (post) asio::post(to_, [this] { drain(); });
  }

 private:
  void drain() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(queue_);
      scheduled_ = false;
    }
    for (auto& fn : batch) fn();
  }
  asio::io_context& to_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;  // GUARDED_BY(mutex_)
  bool scheduled_ = false;                    // GUARDED_BY(mutex_)
};

}  // namespace

struct WireLane::Impl {
  explicit Impl(asio::io_context& h) : home(h), guard(asio::make_work_guard(wire)), to_wire(wire), to_home(h) {}
  asio::io_context& home;
  asio::io_context wire;
  Guard guard;  // keeps the wire running while idle
  Handover to_wire;
  Handover to_home;
  std::thread thread;
  bool started = false;
};

WireLane::WireLane(asio::io_context& home) : impl_(std::make_unique<Impl>(home)) {}

WireLane::~WireLane() { stop(); }

asio::io_context& WireLane::io() { return impl_->wire; }

void WireLane::start() {
  if (impl_->started) return;
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->wire.run(); });
}

void WireLane::stop() {
  impl_->guard.reset();
  impl_->wire.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void WireLane::round_trip(std::function<void(Home)> work) {
  // Counted as the home io_context's work until the answer has been handed back (or dropped).
  auto pending = std::make_shared<Guard>(asio::make_work_guard(impl_->home));
  Impl* impl = impl_.get();
  impl->to_wire.push([work = std::move(work), pending, impl]() mutable {
    work([pending, impl](std::function<void()> fn) {
      // Queued before the guard goes: the home io_context never looks idle in between.
      impl->to_home.push(std::move(fn));
    });
  });
}

}  // namespace outreach::net
