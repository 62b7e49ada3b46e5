#pragma once
// The post publisher: claim -> check -> send -> record, for a campaign's page posts
// (storage/post_store.h), next to the Dispatcher that does the same for per-contact messages.
//
// A post is claimed with a lease, so it is published at most once: a post whose lease runs out
// while its answer is unknown becomes `unknown` and is never republished by the engine. Before
// sending, the campaign's send window and the channel's rate limit apply (the post waits, queued,
// without spending an attempt). The text was rendered at launch; it goes to the channel's Sender
// addressed to core::Urn::page(channel): the sandbox records it, a ConnectorSender over the
// FacebookPage connector posts it to the page feed. Outcomes: sent -> published with the provider's
// post id; transient -> queued again after RetryPolicy's backoff, failed when attempts run out;
// permanent or opted-out -> failed with the provider's reason.
//
// Threading: use on the engine's io_context thread only. All referenced objects must outlive it,
// and it must outlive its in-flight sends (stop_claiming, then wait for in_flight() == 0).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"

namespace outreach::storage {
class Database;
struct PostRow;
}

namespace outreach::net {
class MetricsRegistry;
}

namespace outreach::engine {

struct EngineConfig;
class Sender;

struct PublishStats {
  std::uint64_t claimed = 0;
  std::uint64_t published = 0;
  std::uint64_t retried = 0;
  std::uint64_t deferred = 0;  // outside the send window or rate limited: queued for later
  std::uint64_t failed = 0;
  std::uint64_t unknown = 0;  // ambiguous answers: the page may show the post; never reposted by the engine
};

class PostPublisher {
 public:
  // senders: channel name -> sender (not owned), the same map the Dispatcher gets.
  PostPublisher(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
                std::map<std::string, Sender*> senders);
  ~PostPublisher();
  PostPublisher(const PostPublisher&) = delete;
  PostPublisher& operator=(const PostPublisher&) = delete;

  // Turns expired leases into `unknown`, claims the posts due at `now` and starts them. Returns how
  // many were claimed.
  int run_due(core::TimePoint now);
  // Earliest due time of a queued post, for the scheduler's timer.
  std::optional<core::TimePoint> next_due() const;
  std::size_t in_flight() const { return in_flight_; }
  // Graceful shutdown: no new claims; in-flight posts still complete and are recorded.
  void stop_claiming() { claiming_ = false; }
  const PublishStats& stats() const { return stats_; }
  // Counts outcomes in outreach_page_posts_total{outcome=published|retried|deferred|failed}; may be
  // null (the default). `metrics` must outlive the publisher.
  void set_metrics(net::MetricsRegistry* metrics) { metrics_ = metrics; }

 private:
  struct Impl;
  void publish(const storage::PostRow& post, core::TimePoint now);
  void count(const char* outcome);

  std::unique_ptr<Impl> impl_;
  std::size_t in_flight_ = 0;
  bool claiming_ = true;
  PublishStats stats_;
  net::MetricsRegistry* metrics_ = nullptr;
};

}  // namespace outreach::engine
