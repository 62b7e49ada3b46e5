#include "engine/post_publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>

#include "campaigns/campaign.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "net/metrics.h"
#include "engine/policy/retry_policy.h"
#include "engine/policy/send_window.h"
#include "engine/sender.h"
#include "engine/shared_rate_limiter.h"
#include "engine/policy/token_bucket.h"
#include "storage/database.h"
#include "storage/post_store.h"

namespace outreach::engine {

using storage::PostOutcome;
using storage::PostStatus;

namespace {
// Posts are few (a handful per campaign): a small claim keeps the leases short-lived.
constexpr int kClaimBatch = 16;
}  // namespace

struct PostPublisher::Impl {
  Impl(storage::Database& d, const core::Clock& c, const EngineConfig& cfg, std::map<std::string, Sender*> s)
      : db(d), clock(c), config(cfg), senders(std::move(s)), store(d), retry(cfg.retry, std::random_device{}()) {
    // Only page channels this process has a sender for: others stay queued for an engine that has.
    for (const auto& [name, sender] : senders) {
      auto ch = cfg.channels.find(name);
      if (sender != nullptr && ch != cfg.channels.end() && ch->second.scheme == core::UrnScheme::page) {
        channels.push_back(name);
      }
    }
    // Engines sharing a database keep each page's rate together. Posts are few and taken outside
    // any transaction, so the writer's connection holds a bucket's row lock only for the take.
    if (d.dialect() == storage::Dialect::postgres) {
      shared = std::make_unique<SharedRateLimiter>(d);
      for (const auto& name : channels) shared->set_channel_limit(name, cfg.channels.at(name).rate);
    }
  }

  // A token of the channel's rate limit now, or when the next one comes.
  std::optional<core::TimePoint> take_token(const ChannelConfig& ch, core::TimePoint now) {
    if (shared) {
      if (shared->try_acquire(ch.name, "", now)) return std::nullopt;
      return shared->next_available(ch.name, "", now);
    }
    auto& b = buckets.try_emplace(ch.name, ch.rate, now).first->second;
    if (b.try_take(now)) return std::nullopt;
    return b.next_available(now);
  }

  // The send window of a campaign version, loaded once; nullopt with `why` set when unusable.
  struct Window {
    std::optional<SendWindow> window;
    std::string sender;
    std::string why;
  };
  const Window& window_of(std::int64_t campaign_id, int version) {
    auto key = std::make_pair(campaign_id, version);
    auto it = windows.find(key);
    if (it != windows.end()) return it->second;
    Window w;
    auto c = load_campaign_version(db, campaign_id, version);
    if (!c) {
      w.why = c.error().what();
    } else {
      std::vector<std::string> days;
      for (auto d : c->send_window.days) days.emplace_back(campaigns::to_string(d));
      auto parsed = SendWindow::parse(c->send_window.timezone, days, c->send_window.hours);
      if (parsed) w.window = std::move(*parsed); else w.why = parsed.error().what();
      w.sender = c->sender;
    }
    return windows.emplace(key, std::move(w)).first->second;
  }


  void record(const PostOutcome& o) {
    auto st = store.record(o, clock.now());
    // On failure the row stays `sending`; its lease runs out and it becomes `unknown`: never reposted.
    if (!st) spdlog::error("recording post {}: {}", o.id, st.error().what());
  }

  storage::Database& db;
  const core::Clock& clock;
  const EngineConfig& config;
  std::map<std::string, Sender*> senders;
  std::vector<std::string> channels;  // the page channels it publishes on
  storage::PostStore store;
  RetryPolicy retry;
  std::map<std::pair<std::int64_t, int>, Window> windows;
  std::map<std::string, TokenBucket> buckets;           // one engine: each channel's bucket here
  std::unique_ptr<SharedRateLimiter> shared;            // engines sharing a database: in the database
  core::TimePoint next_lease_check{};
};

PostPublisher::PostPublisher(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
                             std::map<std::string, Sender*> senders)
    : impl_(std::make_unique<Impl>(db, clock, config, std::move(senders))) {}

PostPublisher::~PostPublisher() = default;

std::optional<core::TimePoint> PostPublisher::next_due() const { return impl_->store.next_due(impl_->channels); }

int PostPublisher::run_due(core::TimePoint now) {
  if (!claiming_) return 0;
  if (now >= impl_->next_lease_check) {
    if (auto n = impl_->store.expire_leases(now); !n) spdlog::error("post expire_leases: {}", n.error().what());
    else if (*n > 0) spdlog::warn("{} post(s) whose lease ran out while publishing are now 'unknown'", *n);
    impl_->next_lease_check = now + std::clamp(impl_->config.lease / 2, core::Millis(1000), core::Millis(60000));
  }
  auto claimed = impl_->store.claim_due(now, kClaimBatch, now + impl_->config.lease, impl_->channels);
  if (!claimed) {
    spdlog::error("post claim_due: {}", claimed.error().what());
    return 0;
  }
  stats_.claimed += claimed->size();
  for (const auto& p : *claimed) publish(p, now);
  return static_cast<int>(claimed->size());
}

void PostPublisher::count(const char* outcome) {
  if (!metrics_) return;
  metrics_->counter("outreach_page_posts_total", "Page posts by outcome (published, retried, deferred, failed)",
                    {{"outcome", outcome}})
      .inc();
}

void PostPublisher::publish(const storage::PostRow& post, core::TimePoint now) {
  PostOutcome out;
  out.id = post.id;
  out.attempts = post.attempts;
  auto fail = [&](std::string reason) {
    ++stats_.failed;
    count("failed");
    out.status = PostStatus::failed;
    out.reason = std::move(reason);
    impl_->record(out);
  };
  auto wait = [&](core::TimePoint until, const char* why) {
    ++stats_.deferred;
    count("deferred");
    out.status = PostStatus::queued;
    out.retry_at = until;
    out.reason = why;
    impl_->record(out);
  };
  const auto& w = impl_->window_of(post.campaign_id, post.campaign_version);
  if (!w.why.empty()) return fail("campaign version unusable: " + w.why);
  // Claimed only on channels it has: configured, with a sender, and a page (never one reaching people).
  const ChannelConfig& cfg = impl_->config.channels.at(post.channel);
  Sender* sender = impl_->senders.at(post.channel);
  if (w.window && !w.window->contains(now)) return wait(w.window->next_open(now), "outside send window");
  if (auto later = impl_->take_token(cfg, now)) return wait(*later, "rate limited");

  channels::OutboundMessage msg{
      .client_ref = "c" + std::to_string(post.campaign_id) + "-p" + post.post_key,
      .to = core::Urn::page(post.channel).value(),
      .language = post.language,
      .sender_name = w.sender,
      .text = post.text,
      .now = now,
  };
  ++in_flight_;
  // The sandbox log's message_id refers to outbox rows: a post has none, so 0.
  sender->send(0, post.channel, msg, [this, out, channel = post.channel](channels::SendOutcome r) mutable {
    --in_flight_;
    const auto at = impl_->clock.now();
    out.attempts += 1;
    out.reason = r.reason;
    switch (r.verdict) {
      case channels::SendVerdict::sent:
        ++stats_.published;
    count("published");
        out.status = PostStatus::published;
        out.provider_post_id = r.provider_id;
        break;
      case channels::SendVerdict::transient:
        if (auto delay = impl_->retry.next_delay(out.attempts, r.retry_after)) {
          ++stats_.retried;
    count("retried");
          out.status = PostStatus::queued;
          out.retry_at = at + *delay;
        } else {
          ++stats_.failed;
    count("failed");
          out.status = PostStatus::failed;
          out.reason = "gave up after " + std::to_string(out.attempts) + " attempts: " + r.reason;
        }
        break;
      case channels::SendVerdict::ambiguous:
        // The page may show it: never reposted by the engine (`outreach posts redrive` decides).
        ++stats_.unknown;
        out.status = PostStatus::unknown;
        out.reason = "ambiguous: " + r.reason;
        break;
      case channels::SendVerdict::permanent:
      case channels::SendVerdict::opted_out:
        ++stats_.failed;
    count("failed");
        out.status = PostStatus::failed;
        break;
    }
    spdlog::debug("post {} {} on {}: {}", out.id, storage::to_string(out.status), channel,
                 out.provider_post_id.empty() ? out.reason : out.provider_post_id);
    impl_->record(out);
  });
}

}  // namespace outreach::engine
