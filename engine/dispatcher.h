#pragma once
// The dispatcher: claim -> check -> render -> rate limit -> send -> record.
//
// For every claimed outbox row it re-checks, at the moment of sending, what may have changed since
// launch: do-not-contact, consent per channel, "unless: responded", the step's expiry, the
// campaign's send window, the per-contact frequency cap, channel and account rate limits, and the
// provider's circuit. Then it renders the template in the contact's language and hands the message
// to the channel's Sender. Outcomes are buffered and committed in groups (Outbox::record), and the
// next step of the contact becomes due relative to this one.
//
// Decisions on failure: transient (it never left, or the provider said "not accepted, try later")
// -> retry with backoff and jitter (Retry-After honoured) up to a limit; ambiguous (it may have
// reached the provider: no answer after it was sent, 500/502/504, an unreadable 2xx) -> `unknown`
// with the reason, never resent by the engine, later steps wait; permanent -> the next channel of
// the step, else failed; provider opt-out -> consent for that channel withdrawn, the address on
// the suppression list ("opted_out"), and failed. Outcomes are committed within kCommitInterval.
//
// Threading: use on the engine's io_context thread only. All referenced objects must outlive it.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "storage/outbox.h"

namespace outreach::net {
class MetricsRegistry;
}  // namespace outreach::net

namespace outreach::storage {
class Database;
}

namespace outreach::campaigns {
struct Campaign;
}

namespace outreach::engine {

struct EngineConfig;
struct PersonNow;
class Sender;

struct DispatchStats {
  std::uint64_t claimed = 0;
  std::uint64_t sent = 0;
  std::uint64_t retried = 0;
  std::uint64_t deferred = 0;  // outside the send window, rate limited or capped: requeued for later
  std::uint64_t failed = 0;
  std::uint64_t fallbacks = 0;
  std::uint64_t skipped = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t expired = 0;
  std::uint64_t unknown = 0;  // ambiguous answers: the row became `unknown`, never resent by the engine
};

class Dispatcher {
 public:
  // senders: channel name -> sender (not owned). metrics may be null.
  Dispatcher(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
             std::map<std::string, Sender*> senders, net::MetricsRegistry* metrics = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Claims up to one batch of rows due at `now` and starts them. Returns how many were claimed.
  int run_due(core::TimePoint now);
  // Commits buffered outcomes. Called by run_due when nothing is in flight, by a completion once
  // the oldest buffered outcome is kCommitInterval old, and by the scheduler.
  void flush();
  // When the buffered outcomes must be committed (the oldest one's arrival + kCommitInterval);
  // nullopt when nothing is buffered. The scheduler arms its timer for it, so an outcome is
  // committed within kCommitInterval even when no other completion follows.
  std::optional<core::TimePoint> flush_due() const;
  // Outcomes are committed at most this long after they arrive, so a crash (kill -9) leaves few
  // rows `sending` whose answer had in fact come back (they would become `unknown`).
  static constexpr core::Millis kCommitInterval{100};
  // ... or as soon as this many are buffered.
  static constexpr std::size_t kMaxBuffered = 512;
  // Earliest due time of queued work, for the scheduler's timer.
  std::optional<core::TimePoint> next_due() const;
  std::size_t in_flight() const { return in_flight_; }
  std::size_t buffered() const { return outcomes_.size(); }
  // Graceful shutdown: no new claims; in-flight sends still complete and are recorded.
  void stop_claiming() { claiming_ = false; }
  bool claiming() const { return claiming_; }
  const DispatchStats& stats() const { return stats_; }
  // Counts a message sent outside the outbox (a follow-up) against the contact's frequency cap.
  void note_send(std::int64_t contact_id, core::TimePoint at);

 private:
  struct Impl;
  struct Attempt;
  // `person` is the contact as read for the claimed batch (null: no such contact).
  void process(const storage::ClaimedMessage& m, const PersonNow* person, core::TimePoint now);
  void try_channel(std::shared_ptr<Attempt> a, std::size_t from_index);
  void finish_step(const Attempt& a, storage::MessageOutcome& outcome, core::TimePoint at);
  // Adds an outcome to the group commit; flushes when it is full or its oldest entry is due.
  void buffer(storage::MessageOutcome outcome, core::TimePoint at);

  std::unique_ptr<Impl> impl_;
  storage::Database& db_;
  const core::Clock& clock_;
  const EngineConfig& config_;
  std::map<std::string, Sender*> senders_;
  net::MetricsRegistry* metrics_;
  storage::Outbox outbox_;
  std::vector<storage::MessageOutcome> outcomes_;
  core::TimePoint oldest_buffered_{};  // arrival of outcomes_.front()
  std::size_t in_flight_ = 0;
  bool claiming_ = true;
  DispatchStats stats_;
};

}  // namespace outreach::engine
