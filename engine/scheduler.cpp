#include "engine/scheduler.h"

#include <algorithm>

#include "engine/dispatcher.h"
#include "net/asio.h"
#include "engine/post_publisher.h"

namespace outreach::engine {
namespace {
// No new claim while this many claimed rows are still out. A claim holds rows `sending` under a
// lease; after a crash every one of them becomes `unknown` and needs an operator's redrive, so
// claim what can go out soon (a few times the transports' width), not the whole backlog.
constexpr std::size_t kMaxInFlight = 256;
// While at that limit, look again this often (completions free room without a timer of their own).
constexpr core::Millis kSaturatedRecheck{5};

std::optional<core::TimePoint> earliest(std::optional<core::TimePoint> a, std::optional<core::TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::optional<core::TimePoint> next_due(const Dispatcher& d, const PostPublisher* posts) {
  return earliest(d.next_due(), posts ? posts->next_due() : std::nullopt);
}
std::size_t in_flight(const Dispatcher& d, const PostPublisher* posts) {
  return d.in_flight() + (posts ? posts->in_flight() : 0);
}
}  // namespace

core::Millis timer_wait(const TimerInputs& in) {
  auto wait = in.max_idle_poll;
  if (in.next_due) wait = std::clamp(*in.next_due - in.now, core::Millis(0), wait);
  // An answer may arrive any moment while sends are out: look at least every commit interval, so
  // it is committed within that interval of arriving (Dispatcher::kCommitInterval).
  if (in.in_flight > 0) wait = std::min(wait, Dispatcher::kCommitInterval);
  if (in.flush_due) wait = std::clamp(*in.flush_due - in.now, core::Millis(0), wait);
  if (in.in_flight >= kMaxInFlight) wait = std::max(wait, kSaturatedRecheck);  // no busy loop while full
  return wait;
}

struct Scheduler::Impl {
  Impl(asio::io_context& ioc, Dispatcher& d, const core::Clock& c, core::Millis poll, PostPublisher* p)
      : timer(ioc), dispatcher(d), clock(c), max_idle_poll(poll), posts(p) {}

  void arm() {
    if (stopping) return;
    const auto now = clock.now();
    auto wait = timer_wait({.now = now,
                            .next_due = next_due(dispatcher, posts),
                            .flush_due = dispatcher.flush_due(),
                            .in_flight = dispatcher.in_flight(),
                            .max_idle_poll = max_idle_poll});
    timer.expires_after(wait);
    timer.async_wait([this](error_code ec) { on_timer(ec); });
  }

  void on_timer(error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    run_due(clock.now());
    arm();
  }

  void run_due(core::TimePoint now) {
    if (posts && !stopping) posts->run_due(now);
    // Keep claiming while whole batches come back: a backlog drains without waiting for the timer.
    while (!stopping && dispatcher.in_flight() < kMaxInFlight && dispatcher.run_due(now) > 0) {
      now = clock.now();
    }
    // Commit what has come back on every tick, also while other sends are still in flight.
    dispatcher.flush();
  }

  void check_stopped() {
    if (in_flight(dispatcher, posts) > 0) {
      timer.expires_after(core::Millis(10));
      timer.async_wait([this](error_code ec) {
        if (ec != asio::error::operation_aborted) check_stopped();
      });
      return;
    }
    dispatcher.flush();
    if (on_stopped) std::exchange(on_stopped, nullptr)();
  }

  asio::steady_timer timer;
  Dispatcher& dispatcher;
  const core::Clock& clock;
  core::Millis max_idle_poll;
  PostPublisher* posts;
  bool stopping = false;
  std::function<void()> on_stopped;
};

Scheduler::Scheduler(asio::io_context& ioc, Dispatcher& dispatcher, const core::Clock& clock, core::Millis max_idle_poll,
                     PostPublisher* posts)
    : impl_(std::make_unique<Impl>(ioc, dispatcher, clock, max_idle_poll, posts)) {}

Scheduler::~Scheduler() = default;

void Scheduler::start() { impl_->arm(); }

void Scheduler::stop(std::function<void()> on_stopped) {
  impl_->stopping = true;
  impl_->dispatcher.stop_claiming();
  if (impl_->posts) impl_->posts->stop_claiming();
  impl_->on_stopped = std::move(on_stopped);
  impl_->timer.cancel();
  impl_->check_stopped();
}

std::uint64_t run_simulated(Dispatcher& dispatcher, core::ManualClock& clock, std::optional<core::TimePoint> until,
                            const std::function<void()>& between, PostPublisher* posts) {
  std::uint64_t claimed = 0;
  while (true) {
    int n = dispatcher.run_due(clock.now());
    claimed += static_cast<std::uint64_t>(n);
    const int p = posts ? posts->run_due(clock.now()) : 0;
    if (between) between();
    if (n > 0 || p > 0 || in_flight(dispatcher, posts) > 0) continue;
    dispatcher.flush();
    auto next = next_due(dispatcher, posts);
    if (!next || (until && *next > *until)) break;
    clock.set(std::max(clock.now(), *next));
  }
  dispatcher.flush();
  if (until && clock.now() < *until) clock.set(*until);
  return claimed;
}

}  // namespace outreach::engine
