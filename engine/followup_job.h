#pragma once
// Sends the "did it help?" follow-ups (storage/followup_store.h) when they are due, and schedules
// the "stalled" ones (a case acknowledged FollowupConfig::stalled_after_days ago without progress).
// Closed cases get theirs from the service that closes them (services/response_lists.h).
//
// For each due follow-up, at the moment of sending, like the dispatcher for a campaign step:
//  1. the contactability policy (campaigns/contactability.h) on facts read now: erased,
//     do-not-contact, a suppressed address, an open error report or a STOP on any channel ->
//     `skipped` with that reason;
//  2. the channel the person last used: the channel of their latest reply, else of the latest
//     message sent to them; a direct channel (not intermediary, not a page) with an address and
//     consent for FollowupConfig::consent_purpose on it. None -> `skipped` ("no_consent" when an
//     address was there but no consent, else "no_channel");
//  3. the send window (FollowupConfig::send_days/hours/timezone) and the per-person frequency cap
//     (EngineConfig::frequency_cap_*, counting campaign messages and follow-ups) -> stays pending
//     until it may go;
//  4. claimed (delivery `sending`, committed) before the Sender gets it: sent -> `sent`;
//     transient -> retried with the engine's retry policy, then `skipped` ("send failed: ...");
//     ambiguous -> delivery `unknown`, never resent by the engine; permanent -> `skipped`;
//     provider opt-out -> consent withdrawn, address suppressed (engine/provider_opt_out.h), `skipped`.
// A lease that runs out (a crash while sending) makes the send `unknown` too.
//
// All logic is in run_due(now), which tests call with ManualClock times. start() owns one
// steady_timer (arm -> on_timer -> run_due(clock.now()) -> arm, every `interval`), like the
// Escalator. `db`, `clock`, `config` and the senders must outlive the job; use on the engine's
// io thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "engine/leadership.h"

namespace boost::asio {
class io_context;
}
namespace outreach::storage {
class Database;
struct Followup;
}

namespace outreach::engine {

struct EngineConfig;
class Sender;

struct FollowupStats {
  std::uint64_t scheduled_stalled = 0;
  std::uint64_t started = 0;   // handed to a channel
  std::uint64_t sent = 0;
  std::uint64_t deferred = 0;  // send window or frequency cap: pending for later
  std::uint64_t retried = 0;
  std::uint64_t skipped = 0;
  std::uint64_t unknown = 0;
};

class FollowupJob {
 public:
  // senders: channel name -> sender (not owned).
  FollowupJob(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
              std::map<std::string, Sender*> senders);
  ~FollowupJob();
  FollowupJob(const FollowupJob&) = delete;
  FollowupJob& operator=(const FollowupJob&) = delete;

  // Schedules stalled cases, expires run-out leases, and starts every follow-up due at `now`
  // (at most FollowupConfig::batch). Returns how many due follow-ups it looked at.
  int run_due(core::TimePoint now);
  std::size_t in_flight() const { return in_flight_; }
  const FollowupStats& stats() const { return stats_; }
  // Called for every follow-up the provider accepted: the dispatcher counts it against the
  // person's frequency cap (Dispatcher::note_send).
  void set_on_sent(std::function<void(std::int64_t contact_id, core::TimePoint at)> fn) { on_sent_ = std::move(fn); }

  void start(boost::asio::io_context& ioc, std::chrono::milliseconds interval = std::chrono::minutes(1));
  void stop();
  // Optional; without one it always runs. On PostgreSQL only the leading engine's runs (a tick
  // while another engine leads does nothing). `leadership` must outlive this.
  void set_leadership(const Leadership* leadership) { leadership_ = leadership; }

 private:
  struct Impl;
  void process(const storage::Followup& f, core::TimePoint now);
  void arm();

  std::unique_ptr<Impl> impl_;
  storage::Database& db_;
  const core::Clock& clock_;
  const EngineConfig& config_;
  std::map<std::string, Sender*> senders_;
  std::function<void(std::int64_t, core::TimePoint)> on_sent_;
  std::size_t in_flight_ = 0;
  FollowupStats stats_;
  const Leadership* leadership_ = nullptr;
};

}  // namespace outreach::engine
