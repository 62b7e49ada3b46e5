#pragma once
// Drives a Dispatcher, and optionally a PostPublisher (campaign page posts), in time.
//  - Scheduler: the live engine. One steady_timer on the io_context, armed for the earliest due
//    message (re-checked at least every max_idle_poll, since a CLI launch can add rows); on_timer
//    calls run_due(clock.now()) and re-arms. stop() stops claiming, lets in-flight sends finish,
//    commits, and calls on_stopped.
//  - run_simulated: for the demo and tests on a ManualClock, jumps straight to each next due time,
//    so days pass in milliseconds.
// With a PostPublisher, both run on every tick and the earliest due time of either arms the timer.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "core/clock.h"

namespace boost::asio {
class io_context;
}

namespace outreach::engine {

class Dispatcher;
class PostPublisher;

class Scheduler {
 public:
  // All referenced objects must outlive the scheduler. Use on the io_context's thread. `posts` may
  // be null (no page posts).
  Scheduler(boost::asio::io_context& ioc, Dispatcher& dispatcher, const core::Clock& clock, core::Millis max_idle_poll,
            PostPublisher* posts = nullptr);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  void stop(std::function<void()> on_stopped);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What the live scheduler's timer waits for, as a pure function (tests use manual times):
// the earliest of the next due row, max_idle_poll, the dispatcher's flush_due, and
// Dispatcher::kCommitInterval while sends are in flight.
struct TimerInputs {
  core::TimePoint now;
  std::optional<core::TimePoint> next_due;
  std::optional<core::TimePoint> flush_due;
  std::size_t in_flight = 0;
  core::Millis max_idle_poll{1000};
};
core::Millis timer_wait(const TimerInputs& in);

// Runs until nothing is due at or before `until` (or at all). Returns the number of rows claimed.
// `between` (optional) runs after every batch: the io_context poll for asynchronous senders.
// `posts` (optional) publishes due page posts alongside; its claims are not counted in the result.
std::uint64_t run_simulated(Dispatcher& dispatcher, core::ManualClock& clock, std::optional<core::TimePoint> until,
                            const std::function<void()>& between = {}, PostPublisher* posts = nullptr);

}  // namespace outreach::engine
