#include "engine/digest_recovery.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <optional>

#include "campaigns/campaign.h"
#include "campaigns/sequencer.h"
#include "engine/audience_source.h"
#include "storage/database.h"
#include "storage/digest_store.h"
#include "storage/engine_session.h"
#include "storage/outbox.h"

namespace outreach::engine {

namespace {

core::Result<DigestRecoveryReport> recover(storage::Database& db, std::optional<std::int32_t> engine,
                                           core::TimePoint now) {
  storage::DigestStore store(db);
  auto members = store.left_over(engine);
  if (!members) return members.error();
  DigestRecoveryReport report;
  if (members->empty()) return report;

  std::map<std::pair<std::int64_t, int>, std::shared_ptr<campaigns::Campaign>> loaded;
  auto campaign_of = [&](const storage::DigestMember& m) -> std::shared_ptr<campaigns::Campaign> {
    auto key = std::make_pair(m.campaign_id, m.campaign_version);
    auto it = loaded.find(key);
    if (it == loaded.end()) {
      auto c = load_campaign_version(db, m.campaign_id, m.campaign_version);
      it = loaded.emplace(key, c ? std::make_shared<campaigns::Campaign>(std::move(*c)) : nullptr).first;
    }
    return it->second;
  };

  std::vector<storage::MessageOutcome> outcomes;
  for (const auto& m : *members) {
    if (!m.current) continue;  // recorded, expired or claimed again since it joined: not this digest's any more
    storage::MessageOutcome o;
    o.id = m.message_id;
    o.channel = m.channel;
    o.attempts = m.attempts;
    switch (m.state) {
      case storage::DigestState::waiting:
        o.status = storage::MessageStatus::queued;
        o.retry_at = now;
        o.reason = "digest " + m.batch_id + " had not been sent when the engine stopped: queued again";
        ++report.requeued;
        break;
      case storage::DigestState::sent: {
        o.status = storage::MessageStatus::sent;
        o.urn = "intermediary:" + m.intermediary;
        o.provider_id = m.batch_id;
        o.attempts = m.attempts + 1;
        o.reason = "digest " + m.batch_id + " accepted by " + m.intermediary + " (recorded after a restart)";
        if (auto c = campaign_of(m)) {
          const std::size_t next = static_cast<std::size_t>(m.step) + 1;
          if (next < c->steps.size()) {
            o.next_step = static_cast<int>(next);
            o.next_step_due = campaigns::due_at(c->steps[next], now);
            o.next_step_expires = campaigns::expires_at(c->steps[next], *o.next_step_due);
          }
        }
        ++report.sent;
        break;
      }
      case storage::DigestState::sending:
        o.status = storage::MessageStatus::unknown;
        o.urn = "intermediary:" + m.intermediary;
        o.provider_id = m.batch_id;
        o.attempts = m.attempts + 1;
        o.reason = "digest " + m.batch_id + " to " + m.intermediary +
                   " may have arrived: the engine stopped before its answer";
        ++report.unknown;
        break;
    }
    outcomes.push_back(std::move(o));
  }
  // Outbox::record moves the rows out of `sending`; the member rows go, stale ones too.
  auto st = db.transaction([&]() -> core::Status {
    if (auto r = storage::Outbox(db).record(outcomes, now); !r) return r;
    for (const auto& m : *members) {
      if (auto f = store.forget(m.batch_id); !f) return f;
    }
    return {};
  });
  if (!st) return st.error().within("recovering intermediary digests");
  return report;
}

}  // namespace

core::Result<DigestRecoveryReport> recover_digests(storage::Database& db, core::TimePoint now) {
  return recover(db, std::nullopt, now);
}

core::Result<DigestRecoveryReport> recover_orphaned_digests(storage::Database& db, core::TimePoint now) {
  auto engines = storage::DigestStore(db).engines();
  if (!engines) return engines.error();
  DigestRecoveryReport total;
  for (std::int32_t engine : *engines) {
    auto gone = storage::take_if_gone(db, engine);
    if (!gone) return gone.error();
    if (!*gone) continue;  // alive (or this engine): its digests are its own
    auto report = recover(db, engine, now);
    auto released = storage::release_engine_session(db, engine);
    if (!report) return report.error();
    if (!released) return released.error();
    total.requeued += report->requeued;
    total.sent += report->sent;
    total.unknown += report->unknown;
  }
  return total;
}

OrphanedDigests::OrphanedDigests(boost::asio::io_context& ioc, storage::Database& db, const core::Clock& clock,
                                 const Leadership& leadership, core::Millis interval)
    : periodic_(std::make_unique<Periodic>(ioc, interval, [&db, &clock, &leadership] {
        if (!leadership.leads()) return;
        auto r = recover_orphaned_digests(db, clock.now());
        if (!r) {
          spdlog::error("recovering the digests of a stopped engine: {}", r.error().what());
        } else if (r->total() > 0) {
          spdlog::warn("intermediary digests of a stopped engine: {} person(s) queued again (never sent), {} recorded "
                       "as sent, {} unknown (the digest may have arrived)", r->requeued, r->sent, r->unknown);
        }
      })) {}

OrphanedDigests::~OrphanedDigests() = default;
void OrphanedDigests::start() { periodic_->start(); }
void OrphanedDigests::stop() { periodic_->stop(); }

}  // namespace outreach::engine
