#include "engine/digest_recovery.h"

#include <map>
#include <memory>

#include "campaigns/campaign.h"
#include "campaigns/sequencer.h"
#include "engine/audience_source.h"
#include "storage/database.h"
#include "storage/digest_store.h"
#include "storage/outbox.h"

namespace outreach::engine {

core::Result<DigestRecoveryReport> recover_digests(storage::Database& db, core::TimePoint now) {
  storage::DigestStore store(db);
  auto members = store.left_over();
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

}  // namespace outreach::engine
