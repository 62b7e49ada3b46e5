#pragma once
// Which engine runs the singletons: the escalations, the follow-up questions, the safety net, the
// IMAP poller and the escalation notices. Each must run on one engine at a time; claims of messages
// and page posts, webhooks and API calls run on every engine.
//  - On SQLite there is one engine (storage/engine_lock.h): it always leads.
//  - On PostgreSQL, engines contend for an advisory lock (storage/leader_lock.h) every `interval`;
//    the holder leads until its lock's connection fails. When it dies, PostgreSQL drops its
//    session and the next engine to try takes over, within `interval`.
// The singletons ask leads() on each of their ticks. Use from the engine's thread.

#include <memory>

#include "core/clock.h"

namespace boost::asio {
class io_context;
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

  // Checks at once, then every interval on `ioc`'s thread, until stop().
  void start(boost::asio::io_context& ioc);
  void stop();
  // Takes or confirms the lock now. Returns leads().
  bool check();
  bool leads() const { return leads_; }

 private:
  struct Timer;
  void arm();

  std::unique_ptr<storage::LeaderLock> lock_;
  core::Millis interval_{2000};
  bool leads_ = false;
  std::unique_ptr<Timer> timer_;
};

// Whether a singleton may run now: without a Leadership (tests, one-shot commands) it may.
inline bool may_run(const Leadership* leadership) { return leadership == nullptr || leadership->leads(); }

}  // namespace outreach::engine
