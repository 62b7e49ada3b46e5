#pragma once
// Which engine runs the singletons: the escalations, the follow-up questions, the safety net, the
// IMAP poller and the escalation notices. Each must run on one engine at a time; claims of messages
// and page posts, webhooks and API calls run on every engine.
//  - On SQLite there is one engine (storage/engine_lock.h): it always leads.
//  - On PostgreSQL, engines contend for an advisory lock (storage/leader_lock.h) every `interval`;
//    the holder leads until its lock's connection fails. When it dies, PostgreSQL drops its
//    session and the next engine to try takes over, within `interval`.
//    A holder that hangs keeps its session; the others end it after a silence (storage/leader_lock.h).
// The singletons ask leads() on each of their ticks. /metrics shows outreach_singletons_leader
// (1 on the engine that leads) and outreach_singletons_leader_changes_total. Use from the engine's
// thread.

#include <memory>

#include "core/clock.h"
#include "engine/periodic.h"

namespace boost::asio {
class io_context;
}
namespace outreach::net {
class MetricsRegistry;
class Gauge;
class Counter;
}
namespace outreach::storage {
class LeaderLock;
}

namespace outreach::engine {

class Leadership {
 public:
  // The only engine: leads from the start.
  Leadership();
  // One of several: leads while it holds `lock`.
  Leadership(std::unique_ptr<storage::LeaderLock> lock, core::Millis interval);
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // Optional: the series above, kept in `metrics` (which must outlive this).
  void set_metrics(net::MetricsRegistry* metrics);
  // Checks at once, then every interval on `ioc`'s thread, until stop().
  void start(boost::asio::io_context& ioc);
  void stop();
  // Takes or confirms the lock now. Returns leads().
  bool check();
  bool leads() const { return leads_; }

 private:
  std::unique_ptr<storage::LeaderLock> lock_;
  core::Millis interval_{2000};
  bool leads_ = false;
  std::unique_ptr<Periodic> periodic_;
  net::Gauge* leads_gauge_ = nullptr;
  net::Counter* changes_ = nullptr;
};

// Whether a singleton may run now: without a Leadership (tests, one-shot commands) it may.
inline bool may_run(const Leadership* leadership) { return leadership == nullptr || leadership->leads(); }

}  // namespace outreach::engine
