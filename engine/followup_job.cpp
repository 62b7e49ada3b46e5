#include "engine/followup_job.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <random>

#include "campaigns/contactability.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "engine/followup_message.h"
#include "engine/policy/frequency_cap.h"
#include "engine/policy/retry_policy.h"
#include "engine/policy/send_window.h"
#include "engine/provider_opt_out.h"
#include "engine/sender.h"
#include "net/asio.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/followup_store.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "storage/unsubscribe_token.h"

namespace outreach::engine {
namespace {

bool direct(core::UrnScheme s) {
  return s == core::UrnScheme::tel || s == core::UrnScheme::mailto || s == core::UrnScheme::whatsapp ||
         s == core::UrnScheme::messenger || s == core::UrnScheme::telegram;
}

// Where the question goes: a channel, the address on it, and the person's last message there.
struct Route {
  std::string channel;
  core::Urn to;
  std::optional<core::TimePoint> last_inbound_at;
};

}  // namespace

struct FollowupJob::Impl {
  Impl(const EngineConfig& config)
      : retry(config.retry, std::random_device{}()) {
    auto w = SendWindow::parse(config.followup.timezone, config.followup.send_days, config.followup.send_hours);
    if (w) window = std::move(*w);
    else spdlog::error("followup send window: {}; follow-ups wait until it is fixed", w.error().what());
  }
  std::optional<SendWindow> window;
  RetryPolicy retry;
  std::unique_ptr<storage::SuppressionList> suppression;
  std::unique_ptr<asio::steady_timer> timer;
  std::chrono::milliseconds interval{60000};
  bool stopped = false;
};

FollowupJob::FollowupJob(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
                         std::map<std::string, Sender*> senders)
    : impl_(std::make_unique<Impl>(config)), db_(db), clock_(clock), config_(config), senders_(std::move(senders)) {
  if (!config.suppression_key.empty()) {
    impl_->suppression = std::make_unique<storage::SuppressionList>(db, config.suppression_key);
  }
}

FollowupJob::~FollowupJob() { stop(); }

int FollowupJob::run_due(core::TimePoint now) {
  const auto& fc = config_.followup;
  if (!fc.enabled) return 0;
  storage::FollowupStore store(db_);
  if (auto n = store.expire_leases(now); !n) spdlog::error("followups: expire_leases: {}", n.error().what());
  else if (*n > 0) spdlog::warn("followups: {} send(s) whose lease ran out are now 'unknown'", *n);
  if (fc.stalled_after_days > 0) {
    storage::CaseStore cases(db_);
    for (auto id : store.stalled_cases(now - std::chrono::hours(24) * fc.stalled_after_days, fc.batch)) {
      auto c = cases.get(id);
      if (!c) continue;
      auto added = store.schedule(c->id, c->contact_id, c->municipality, "stalled", now, now);
      if (!added) spdlog::error("followups: case {}: {}", id, added.error().what());
      else if (*added) ++stats_.scheduled_stalled;
    }
  }
  auto due = store.due(now, fc.batch);
  for (const auto& f : due) process(f, now);
  return static_cast<int>(due.size());
}

void FollowupJob::process(const storage::Followup& f, core::TimePoint now) {
  const auto& fc = config_.followup;
  storage::FollowupStore store(db_);
  const std::string what = "follow-up " + std::to_string(f.id);
  auto skip = [&](const std::string& reason) {
    ++stats_.skipped;
    if (auto st = store.mark_skipped(f.id, reason); !st) spdlog::error("{}: {}", what, st.error().what());
    else spdlog::info("{} of case {} skipped: {}", what, f.case_id, reason);
  };
  auto defer = [&](core::TimePoint when, const std::string& reason) {
    ++stats_.deferred;
    if (auto st = store.defer(f.id, when, reason); !st) spdlog::error("{}: {}", what, st.error().what());
  };

  // 1. The contactability policy, on facts read now.
  auto facts = load_person_facts(db_, f.contact_id, impl_->suppression.get());
  if (!facts) return skip("contact not found");
  if (auto refusal = campaigns::blocked(*facts); refusal != campaigns::Refusal::none) return skip(campaigns::to_string(refusal));
  auto contact = storage::ContactStore(db_).get(f.contact_id);
  if (!contact) return skip("contact not found");

  // 2. The channel the person last used: their latest reply's, then the latest message's.
  std::vector<std::pair<std::string, std::string>> tried;  // (channel, preferred urn)
  const auto responses = storage::ResponseStore(db_).for_contact(f.contact_id);
  if (!responses.empty()) tried.emplace_back(responses.back().channel, responses.back().urn);
  storage::Outbox outbox(db_);
  const auto last_sent = outbox.last_sent_to(f.contact_id);
  if (last_sent) tried.emplace_back(last_sent->channel, last_sent->urn);
  std::optional<Route> route;
  bool refused_consent = false;
  for (const auto& [channel, urn] : tried) {
    auto cfg = config_.channels.find(channel);
    if (cfg == config_.channels.end() || !direct(cfg->second.scheme) || !senders_.count(channel)) continue;
    const core::Urn* to = nullptr;
    for (const auto& a : contact->addresses) {
      if (!a.bad && a.urn.str() == urn && a.urn.scheme() == cfg->second.scheme) to = &a.urn;
    }
    if (!to) to = contact->address(cfg->second.scheme);
    if (!to) continue;
    auto verdict = campaigns::decide(*facts, {.use = campaigns::Use::message, .purpose = fc.consent_purpose, .channel = channel});
    if (!verdict.allowed()) {
      refused_consent = true;
      continue;
    }
    Route r{channel, *to, std::nullopt};
    for (const auto& resp : responses) {
      if (resp.channel == channel) r.last_inbound_at = resp.received_at;
    }
    route = std::move(r);
    break;
  }
  if (!route) return skip(refused_consent ? campaigns::to_string(campaigns::Refusal::no_consent) : "no_channel");

  // 3. When it may go: the send window, then the person's frequency cap.
  if (!impl_->window) return defer(now + std::chrono::hours(1), "send window misconfigured");
  if (!impl_->window->contains(now)) return defer(impl_->window->next_open(now), "outside send window");
  FrequencyCap cap(std::max<std::size_t>(1, config_.frequency_cap_messages), config_.frequency_cap_window);
  std::vector<std::pair<ContactKey, core::TimePoint>> recent;
  for (auto t : store.sends_to(f.contact_id, now - config_.frequency_cap_window)) recent.emplace_back(f.contact_id, t);
  cap.seed(recent, now);
  if (!cap.allow(f.contact_id, now)) return defer(cap.next_allowed(f.contact_id, now), "frequency cap");

  // The words: the person's language (nl fallback), the municipality, the handler if named.
  auto c = storage::CaseStore(db_).get(f.case_id);
  auto m = storage::MunicipalityStore(db_).get(f.municipality);
  const std::string town = m ? m->name : f.municipality;
  auto text = followup_text(fc, contact->language, town, c ? c->handler_name : std::string());
  if (!text) return skip("render: " + text.error().what());

  // 4. Claimed and committed before it leaves; then handed to the channel.
  auto claimed = store.mark_sending(f.id, route->channel, now + config_.lease, now);
  if (!claimed) {
    spdlog::error("{}: {}", what, claimed.error().what());
    return;
  }
  if (!*claimed) return;
  channels::OutboundMessage msg{.client_ref = "followup-" + std::to_string(f.id),
                                .to = route->to,
                                .language = text->language,
                                .sender_name = fc.sender,
                                .subject = text->subject,
                                .text = text->text,
                                .last_inbound_at = route->last_inbound_at,
                                .now = now};
  // E-mail carries one-click unsubscribe (RFC 8058): the token of the last campaign message to
  // this person unsubscribes them as that message's link does.
  if (!config_.unsubscribe_key.empty() && last_sent) {
    msg.unsubscribe_url = config_.public_base_url + "/u/" + storage::make_unsubscribe_token(last_sent->id, config_.unsubscribe_key);
  }
  ++stats_.started;
  ++in_flight_;
  const std::int64_t id = f.id;
  const std::int64_t contact_id = f.contact_id;
  const int attempts = f.attempts + 1;
  const std::string channel = route->channel;
  const std::string to = route->to.str();
  senders_.at(channel)->send(0, channel, msg, [this, id, contact_id, attempts, channel, to, what](channels::SendOutcome r) {
    --in_flight_;
    storage::FollowupStore store(db_);
    const auto at = clock_.now();
    core::Status st;
    switch (r.verdict) {
      case channels::SendVerdict::sent:
        ++stats_.sent;
        st = store.mark_sent(id, r.provider_id, at);
        if (on_sent_) on_sent_(contact_id, at);
        break;
      case channels::SendVerdict::transient:
        if (auto delay = impl_->retry.next_delay(attempts, r.retry_after)) {
          ++stats_.retried;
          st = store.defer(id, at + *delay, "retry: " + r.reason);
        } else {
          ++stats_.skipped;
          st = store.mark_skipped(id, "send failed after " + std::to_string(attempts) + " attempts: " + r.reason);
        }
        break;
      case channels::SendVerdict::ambiguous:
        // It may have reached the person: never resent by the engine (a reply settles it).
        ++stats_.unknown;
        st = store.mark_unknown(id, "ambiguous: " + r.reason);
        break;
      case channels::SendVerdict::opted_out:
        record_provider_opt_out(db_, config_.suppression_key, contact_id, config_.followup.consent_purpose, channel, to,
                                r.reason, at, what);
        ++stats_.skipped;
        st = store.mark_skipped(id, "opted out at provider: " + r.reason);
        break;
      case channels::SendVerdict::permanent:
        ++stats_.skipped;
        st = store.mark_skipped(id, "send failed: " + channel + ": " + r.reason);
        break;
    }
    // Not recorded: the send stays `sending`, its lease runs out and it becomes `unknown`.
    if (!st) spdlog::error("{}: recording the outcome: {}", what, st.error().what());
  });
}

void FollowupJob::start(asio::io_context& ioc, std::chrono::milliseconds interval) {
  impl_->timer = std::make_unique<asio::steady_timer>(ioc);
  impl_->interval = interval;
  impl_->stopped = false;
  arm();
}

void FollowupJob::stop() {
  if (!impl_ || !impl_->timer) return;
  impl_->stopped = true;
  impl_->timer->cancel();
}

void FollowupJob::arm() {
  impl_->timer->expires_after(impl_->interval);
  impl_->timer->async_wait([this](error_code ec) {
    if (ec == asio::error::operation_aborted || impl_->stopped) return;
    if (may_run(leadership_)) run_due(clock_.now());
    arm();
  });
}

}  // namespace outreach::engine
