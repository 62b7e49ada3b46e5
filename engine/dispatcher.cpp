#include "engine/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <set>

#include "campaigns/audience.h"
#include "campaigns/campaign.h"
#include "campaigns/sequencer.h"
#include "campaigns/template_renderer.h"
#include "engine/audience_source.h"
#include "engine/policy/circuit_breaker.h"
#include "engine/engine_config.h"
#include "engine/policy/frequency_cap.h"
#include "engine/intermediary_routing.h"
#include "engine/message_composer.h"
#include "engine/provider_opt_out.h"
#include "net/metrics.h"
#include "engine/policy/retry_policy.h"
#include "engine/policy/send_window.h"
#include "engine/sender.h"
#include "engine/shared_rate_limiter.h"
#include "engine/policy/token_bucket.h"
#include "storage/campaign_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/suppression_list.h"

namespace outreach::engine {

using storage::MessageOutcome;
using storage::MessageStatus;


struct LoadedCampaign {
  std::shared_ptr<const campaigns::Campaign> campaign;
  std::shared_ptr<campaigns::PreparedTemplates> templates;  // of `campaign`, parsed once
  std::optional<SendWindow> window;
  core::TimePoint launched_at{};
  std::string error;  // set when the stored version cannot be used
};

struct Dispatcher::Impl {
  Impl(const EngineConfig& config, core::TimePoint now)
      : kinds(channel_kinds(config)),
        composer(kinds, municipality_names, config.public_base_url, config.unsubscribe_key),
        cap(config.frequency_cap_messages, config.frequency_cap_window),
        retry(config.retry, std::random_device{}()) {
    for (const auto& [name, ch] : config.channels) {
      limiter.set_channel_limit(name, ch.rate, now);
      limiter.set_account_limit(account_of(ch), ch.rate, now);
    }
  }
  static std::string account_of(const ChannelConfig& ch) { return ch.account.empty() ? ch.provider + ":" + ch.name : ch.account; }

  campaigns::ChannelKinds kinds;
  std::unique_ptr<storage::SuppressionList> suppression;  // the send-time check of addresses
  std::map<std::pair<std::int64_t, int>, LoadedCampaign> campaigns;
  std::map<std::string, std::string> municipality_names;
  MessageComposer composer;  // after kinds and municipality_names, which it reads
  std::map<std::string, std::string> region_of;  // municipality -> region, for intermediary routing
  RateLimiter limiter;
  // Engines may share the database (PostgreSQL): they keep to the rates together (the buckets live
  // in the database, taken through a connection of their own, storage/rate_buckets.h), and the
  // frequency cap reads what all of them sent.
  bool shared_database = false;
  std::unique_ptr<storage::Database> limits_db;
  std::unique_ptr<SharedRateLimiter> shared_limiter;
  bool try_acquire(std::string_view channel, std::string_view account, core::TimePoint now) {
    return shared_limiter ? shared_limiter->try_acquire(channel, account, now) : limiter.try_acquire(channel, account, now);
  }
  core::TimePoint next_available(std::string_view channel, std::string_view account, core::TimePoint now) {
    return shared_limiter ? shared_limiter->next_available(channel, account, now)
                          : limiter.next_available(channel, account, now);
  }
  FrequencyCap cap;
  RetryPolicy retry;
  std::map<std::string, CircuitBreaker> breakers;  // by provider account
  std::map<std::string, int> deferred_this_claim;   // rate-limited rows per channel in this claim
  // After a claim whose rows met a spent rate limit, no new claim before its next token: a claimed
  // row waits `sending` until its deferral is committed, and a crash before then leaves it unknown.
  core::TimePoint claim_after{};
  core::TimePoint next_lease_check{};
  bool in_batch = false;  // inside run_due's loop: completions wait for the batch's group commit
  std::set<std::int64_t> changed;  // contacts whose facts this engine changed during the batch
};

struct Dispatcher::Attempt {
  storage::ClaimedMessage m;
  std::shared_ptr<const campaigns::Campaign> campaign;
  std::shared_ptr<campaigns::PreparedTemplates> templates;
  core::TimePoint launched_at{};
  campaigns::Candidate candidate;
  std::size_t channel_index = 0;
  std::string last_reason;
  core::TimePoint started{};
};

Dispatcher::Dispatcher(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
                       std::map<std::string, Sender*> senders, net::MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(config, clock.now())),
      db_(db),
      clock_(clock),
      config_(config),
      senders_(std::move(senders)),
      metrics_(metrics),
      outbox_(db) {
  impl_->municipality_names = storage::MunicipalityStore(db).names();
  if (!config.suppression_key.empty()) {
    impl_->suppression = std::make_unique<storage::SuppressionList>(db, config.suppression_key);
  }
  if (!config.intermediaries.empty()) impl_->region_of = storage::MunicipalityStore(db).region_of_all();
  impl_->shared_database = db.dialect() == storage::Dialect::postgres;
  if (impl_->shared_database) {
    impl_->limits_db = storage::Database::open(db.path()).take();
    impl_->shared_limiter = std::make_unique<SharedRateLimiter>(*impl_->limits_db);
    for (const auto& [name, ch] : config.channels) {
      impl_->shared_limiter->set_channel_limit(name, ch.rate);
      impl_->shared_limiter->set_account_limit(Impl::account_of(ch), ch.rate);
    }
  }
  std::vector<std::pair<std::int64_t, core::TimePoint>> recent;
  const auto now = clock.now();
  outbox_.for_each_send_since(now - config.frequency_cap_window,
                              [&](std::int64_t c, core::TimePoint t) { recent.emplace_back(c, t); });
  impl_->cap.seed(recent, now);
}

Dispatcher::~Dispatcher() = default;

std::optional<core::TimePoint> Dispatcher::next_due() const {
  auto due = outbox_.next_due();
  if (due && *due < impl_->claim_after) due = impl_->claim_after;
  return due;
}

void Dispatcher::note_send(std::int64_t contact_id, core::TimePoint at) { impl_->cap.record(contact_id, at); }

int Dispatcher::run_due(core::TimePoint now) {
  if (!claiming_) return 0;
  if (now < impl_->claim_after) return 0;
  // Rows a crashed predecessor left `sending` become `unknown` once their lease has run out. Start-up
  // alone is not enough: after a quick restart those leases are still running.
  if (now >= impl_->next_lease_check) {
    if (auto n = outbox_.expire_leases(now); !n) spdlog::error("expire_leases: {}", n.error().what());
    else if (*n > 0) spdlog::warn("{} message(s) whose lease ran out while sending are now 'unknown'", *n);
    impl_->next_lease_check = now + std::clamp(config_.lease / 2, core::Millis(1000), core::Millis(60000));
  }
  auto claimed = outbox_.claim_due(now, config_.claim_batch, now + config_.lease);
  if (!claimed) {
    spdlog::error("claim_due: {}", claimed.error().what());
    return 0;
  }
  stats_.claimed += claimed->size();
  impl_->deferred_this_claim.clear();
  // One transaction around the batch: the sandbox's deliveries and the outcomes of sends that
  // complete at once commit together instead of one commit per message.
  impl_->in_batch = true;
  bool read = false;  // the batch's people were read: from here on, rows are being handed out
  auto st = db_.transaction([&]() -> core::Status {
    // The send-time re-check reads the whole batch at once, inside this transaction: what it reads
    // is what holds when each message is handed to its channel, since nothing else writes between
    // (this thread owns the writing connection, and the transaction keeps other processes out).
    std::vector<std::int64_t> contact_ids;
    contact_ids.reserve(claimed->size());
    for (const auto& m : *claimed) contact_ids.push_back(m.contact_id);
    // Other engines may record a STOP meanwhile: hold these people until the batch is handed out.
    if (impl_->shared_database) storage::ContactStore(db_).hold_for_sending(contact_ids);
    auto people = load_people_now(db_, contact_ids, impl_->suppression.get());
    if (!people) return people.error().within("reading the claimed batch's contacts");
    if (impl_->shared_database) {
      // Other engines send too: the frequency cap of these people is what the database knows.
      std::vector<std::int64_t> claimed_ids;
      for (const auto& m : *claimed) claimed_ids.push_back(m.id);
      std::vector<std::pair<std::int64_t, core::TimePoint>> recent;
      outbox_.for_each_send_to(contact_ids, claimed_ids, now - config_.frequency_cap_window,
                               [&](std::int64_t c, core::TimePoint t) { recent.emplace_back(c, t); });
      impl_->cap.replace(contact_ids, recent, now);
    }
    read = true;
    impl_->changed.clear();
    for (const auto& m : *claimed) {
      // A send of this batch that completed at once may have changed the person (an opt-out the
      // provider reported): read them again, as they are now.
      if (impl_->changed.erase(m.contact_id) > 0) {
        auto again = load_people_now(db_, {m.contact_id}, impl_->suppression.get());
        if (!again) return again.error().within("reading a contact again");
        people->erase(m.contact_id);
        people->merge(*again);
      }
      auto p = people->find(m.contact_id);
      process(m, p == people->end() ? nullptr : &p->second, now);
    }
    if (in_flight_ == 0) flush();
    return {};
  });
  impl_->in_batch = false;
  if (!st) spdlog::error("dispatching a batch: {}", st.error().what());
  if (!read) {
    // Nothing was checked, so nothing was sent: the rows go back to the queue, not to `unknown`.
    std::vector<std::int64_t> ids;
    for (const auto& m : *claimed) ids.push_back(m.id);
    if (auto r = outbox_.release(ids, now); !r) spdlog::error("releasing an unread batch: {}", r.error().what());
    return 0;
  }
  // Rows the rate limit deferred certainly did not leave: committed at once, they go back to the
  // queue, where a crash would leave them `sending` and then unknown.
  if (in_flight_ == 0 || !impl_->deferred_this_claim.empty() || (flush_due() && now >= *flush_due())) flush();
  return static_cast<int>(claimed->size());
}

void Dispatcher::buffer(MessageOutcome o, core::TimePoint at) {
  if (outcomes_.empty()) oldest_buffered_ = at;
  outcomes_.emplace_back(std::move(o));
  if (impl_->in_batch) return;  // run_due commits the batch's outcomes together at its end
  if (outcomes_.size() >= kMaxBuffered || at >= oldest_buffered_ + kCommitInterval) flush();
}

std::optional<core::TimePoint> Dispatcher::flush_due() const {
  if (outcomes_.empty()) return std::nullopt;
  return oldest_buffered_ + kCommitInterval;
}

void Dispatcher::flush() {
  if (outcomes_.empty()) return;
  auto st = outbox_.record(outcomes_, clock_.now());
  if (!st) {
    // The rows stay `sending`; their lease runs out and they become `unknown`: never resent blindly.
    spdlog::error("recording {} outcomes failed: {}", outcomes_.size(), st.error().what());
  }
  if (metrics_) {
    metrics_->gauge("outreach_sends_in_flight", "Messages handed to a channel and not answered yet").set(static_cast<double>(in_flight_));
    for (auto& [account, breaker] : impl_->breakers) {
      metrics_->gauge("outreach_circuit_open", "1 while a provider account's circuit is open or half-open",
                      {{"account", account}})
          .set(breaker.state(clock_.now()) == CircuitState::closed ? 0 : 1);
    }
    for (const auto& o : outcomes_) {
      metrics_->counter("outreach_messages_total", "Outbox rows by final or retry state and channel",
                        {{"status", storage::to_string(o.status)}, {"channel", o.channel}})
          .inc();
    }
  }
  outcomes_.clear();
}

void Dispatcher::finish_step(const Attempt& a, MessageOutcome& outcome, core::TimePoint at) {
  const auto& steps = a.campaign->steps;
  const std::size_t next = static_cast<std::size_t>(a.m.step) + 1;
  if (next >= steps.size()) return;
  outcome.next_step = static_cast<int>(next);
  outcome.next_step_due = campaigns::due_at(steps[next], at);
  outcome.next_step_expires = campaigns::expires_at(steps[next], *outcome.next_step_due);
}

void Dispatcher::process(const storage::ClaimedMessage& m, const PersonNow* person, core::TimePoint now) {
  auto key = std::make_pair(m.campaign_id, m.campaign_version);
  auto it = impl_->campaigns.find(key);
  if (it == impl_->campaigns.end()) {
    LoadedCampaign lc;
    auto c = load_campaign_version(db_, m.campaign_id, m.campaign_version);
    if (!c) {
      lc.error = c.error().what();
    } else {
      lc.campaign = std::make_shared<const campaigns::Campaign>(std::move(*c));
      lc.templates = std::make_shared<campaigns::PreparedTemplates>(*lc.campaign);
      const auto& w = lc.campaign->send_window;
      std::vector<std::string> days;
      for (auto d : w.days) days.emplace_back(campaigns::to_string(d));
      auto window = SendWindow::parse(w.timezone, days, w.hours);
      if (window) lc.window = std::move(*window);
      else lc.error = window.error().what();
      if (auto rec = storage::CampaignStore(db_).get(m.campaign_id); rec && rec->launched_at) lc.launched_at = *rec->launched_at;
    }
    it = impl_->campaigns.emplace(key, std::move(lc)).first;
  }
  const LoadedCampaign& lc = it->second;

  auto a = std::make_shared<Attempt>();
  a->m = m;
  a->started = now;
  MessageOutcome out;
  out.id = m.id;
  out.attempts = m.attempts;
  if (!lc.error.empty()) {
    out.status = MessageStatus::failed;
    out.reason = "campaign version unusable: " + lc.error;
    ++stats_.failed;
    buffer(std::move(out), clock_.now());
    return;
  }
  a->campaign = lc.campaign;
  a->templates = lc.templates;
  a->launched_at = lc.launched_at;
  const campaigns::Step& step = a->campaign->steps.at(static_cast<std::size_t>(m.step));

  auto final_outcome = [&](MessageStatus s, std::string reason) {
    out.status = s;
    out.reason = std::move(reason);
    finish_step(*a, out, now);
    buffer(std::move(out), clock_.now());
  };
  if (!person) { ++stats_.suppressed; return final_outcome(MessageStatus::suppressed, "contact not found"); }
  a->candidate = candidate_of(*person, *a->campaign, impl_->kinds, a->launched_at);
  const auto& cand = a->candidate;

  if (cand.do_not_contact) { ++stats_.suppressed; return final_outcome(MessageStatus::suppressed, "do-not-contact"); }
  if (cand.opted_out) { ++stats_.suppressed; return final_outcome(MessageStatus::suppressed, "consent withdrawn"); }
  // The contactability policy at the moment of sending: a STOP on another channel, a suppressed
  // address, erasure and the rest stop this message too (campaigns/contactability.h).
  if (cand.blocked != campaigns::Refusal::none) {
    ++stats_.suppressed;
    return final_outcome(MessageStatus::suppressed, campaigns::to_string(cand.blocked));
  }
  if (step.unless_responded && cand.responded) { ++stats_.skipped; return final_outcome(MessageStatus::skipped, "responded"); }
  if (m.expires_at && now >= *m.expires_at) { ++stats_.expired; return final_outcome(MessageStatus::expired, "not sent before " + core::format_utc(*m.expires_at)); }

  // Waiting conditions: the row goes back to queued for the moment it may go out.
  auto defer = [&](core::TimePoint when, const char* why) {
    ++stats_.deferred;
    out.status = MessageStatus::queued;
    out.retry_at = when;
    out.reason = why;
    buffer(std::move(out), clock_.now());
  };
  if (lc.window && !lc.window->contains(now)) return defer(lc.window->next_open(now), "outside send window");
  if (!impl_->cap.allow(m.contact_id, now)) return defer(impl_->cap.next_allowed(m.contact_id, now), "frequency cap");

  // A retry continues on the channel that failed transiently; a first attempt starts at the top.
  if (!m.channel.empty()) {
    for (std::size_t i = 0; i < step.channels.size(); ++i) {
      if (step.channels[i] == m.channel) a->channel_index = i;
    }
  }
  try_channel(a, a->channel_index);
}

void Dispatcher::try_channel(std::shared_ptr<Attempt> a, std::size_t from_index) {
  const auto now = a->started;
  const campaigns::Step& step = a->campaign->steps.at(static_cast<std::size_t>(a->m.step));
  MessageOutcome out;
  out.id = a->m.id;
  out.attempts = a->m.attempts;
  std::optional<core::TimePoint> circuit_wait;
  std::string unserved;  // an intermediary channel no configured intermediary serves this person on
  for (std::size_t i = from_index; i < step.channels.size(); ++i) {
    const std::string& channel = step.channels[i];
    campaigns::Step only = step;
    only.channels = {channel};
    if (!campaigns::pick_channel(only, a->candidate, impl_->kinds)) continue;  // no address or consent
    auto cfg = config_.channels.find(channel);
    auto sender = senders_.find(channel);
    if (cfg == config_.channels.end() || sender == senders_.end()) continue;
    const IntermediaryConfig* intermediary = nullptr;
    if (cfg->second.provider == "intermediary") {
      intermediary = route_intermediary(config_.intermediaries, a->candidate, impl_->region_of);
      if (!intermediary) {
        unserved = "no intermediary serves " + a->candidate.municipality + " in language " + a->candidate.language;
        continue;
      }
    }
    const std::string account = Impl::account_of(cfg->second);
    auto& breaker = impl_->breakers.try_emplace(account, config_.circuit).first->second;
    if (!breaker.allow(now)) {
      // Open: wait for the end of its cool-down (not a whole new cool-down from now). Half-open with
      // the probe out: try again after one more cool-down unless the probe closes it sooner.
      auto open_until = breaker.state(now) == CircuitState::open ? breaker.opened_at() + config_.circuit.cool_down
                                                                   : now + config_.circuit.cool_down;
      circuit_wait = circuit_wait ? std::min(*circuit_wait, open_until) : open_until;
      continue;  // fall back to the next channel while this provider's circuit is open
    }
    if (!impl_->try_acquire(channel, account, now)) {
      // Spread the deferred rows of one claim over the tokens to come, so each row waits once
      // instead of every row chasing the next single token.
      ++stats_.deferred;
      const int queued_before = impl_->deferred_this_claim[channel]++;
      if (queued_before == 0) {
        const auto token = impl_->next_available(channel, account, now);
        impl_->claim_after = impl_->claim_after > now ? std::min(impl_->claim_after, token) : token;
      }
      const double rate = std::max(1.0, cfg->second.rate.per_second);
      out.status = MessageStatus::queued;
      out.channel = channel;
      out.retry_at = impl_->next_available(channel, account, now) +
                     core::Millis(static_cast<std::int64_t>(1000.0 * queued_before / rate));
      out.reason = "rate limited";
      buffer(std::move(out), clock_.now());
      return;
    }
    auto composed = impl_->composer.compose({.message_id = a->m.id,
                                             .campaign_id = a->m.campaign_id,
                                             .step = a->m.step,
                                             .campaign = a->campaign.get(),
                                             .person = &a->candidate,
                                             .channel = channel,
                                             .intermediary = intermediary,
                                             .now = now,
                                             .templates = a->templates.get()});
    if (!composed) {
      out.status = MessageStatus::failed;
      out.channel = channel;
      out.reason = "render: " + composed.error().what();
      ++stats_.failed;
      finish_step(*a, out, now);
      buffer(std::move(out), clock_.now());
      return;
    }
    const channels::OutboundMessage& msg = *composed;
    a->channel_index = i;
    impl_->cap.record(a->m.contact_id, now);
    ++in_flight_;
    const std::string to = msg.to.str();
    sender->second->send(a->m.id, channel, msg, [this, a, channel, to, account](channels::SendOutcome r) {
      --in_flight_;
      auto& br = impl_->breakers.try_emplace(account, config_.circuit).first->second;
      const auto at = clock_.now();
      if (metrics_) {
        metrics_->histogram("outreach_send_latency_seconds", "Time from handing a message to its channel to the provider's answer",
                            net::MetricsRegistry::latency_buckets(), {{"channel", channel}})
            .observe(std::chrono::duration<double>(at - a->started).count());
      }
      MessageOutcome o;
      o.id = a->m.id;
      o.channel = channel;
      o.urn = to;
      o.attempts = a->m.attempts + 1;
      o.provider_id = r.provider_id;
      o.reason = r.reason;
      switch (r.verdict) {
        case channels::SendVerdict::sent:
          br.record_success(at);
          o.status = MessageStatus::sent;
          ++stats_.sent;
          finish_step(*a, o, at);
          break;
        case channels::SendVerdict::transient: {
          br.record_failure(at);
          if (auto delay = impl_->retry.next_delay(o.attempts, r.retry_after)) {
            o.status = MessageStatus::queued;
            o.retry_at = at + *delay;
            ++stats_.retried;
          } else {
            o.status = MessageStatus::failed;
            o.reason = "gave up after " + std::to_string(o.attempts) + " attempts: " + r.reason;
            ++stats_.failed;
            finish_step(*a, o, at);
          }
          break;
        }
        case channels::SendVerdict::ambiguous:
          // It may have reached the provider: never resent by the engine. The operator decides
          // (`outreach messages redrive`), or a status callback carrying our reference settles it.
          // Later steps wait for that decision.
          br.record_failure(at);
          o.status = MessageStatus::unknown;
          o.reason = "ambiguous: " + r.reason;
          ++stats_.unknown;
          break;
        case channels::SendVerdict::opted_out: {
          br.record_success(at);  // the provider works; the person said no
          record_provider_opt_out(db_, config_.suppression_key, a->m.contact_id, a->campaign->consent_purpose, channel, to,
                                  r.reason, at, "message " + std::to_string(a->m.id));
          impl_->changed.insert(a->m.contact_id);
          o.status = MessageStatus::failed;
          o.reason = "opted out at provider: " + r.reason;
          ++stats_.failed;
          finish_step(*a, o, at);
          break;
        }
        case channels::SendVerdict::permanent: {
          br.record_success(at);
          a->last_reason = channel + ": " + r.reason;
          // The next channel of the step's list, within this same claim.
          ++stats_.fallbacks;
          a->started = at;
          try_channel(a, a->channel_index + 1);
          if (in_flight_ == 0 && !impl_->in_batch) flush();
          return;
        }
      }
      spdlog::debug("message {} {} via {}: {}", o.id, storage::to_string(o.status), channel, o.reason);
      buffer(std::move(o), at);
      // Group commit, but never hold one provider's results hostage to another's slow requests:
      // within kCommitInterval of its arrival (the scheduler's timer covers a quiet spell).
      if (in_flight_ == 0 && !impl_->in_batch) flush();
    });
    return;
  }
  // No channel could take it now.
  if (circuit_wait) {
    ++stats_.deferred;
    out.status = MessageStatus::queued;
    out.retry_at = *circuit_wait;
    out.reason = "circuit open";
    buffer(std::move(out), clock_.now());
    return;
  }
  out.status = a->last_reason.empty() ? MessageStatus::suppressed : MessageStatus::failed;
  out.reason = !a->last_reason.empty() ? a->last_reason
               : unserved.empty()      ? "no channel with address and consent"
                                       : unserved;
  if (out.status == MessageStatus::failed) ++stats_.failed; else ++stats_.suppressed;
  finish_step(*a, out, now);
  buffer(std::move(out), clock_.now());
}

}  // namespace outreach::engine
