#include "engine/provider_opt_out.h"

#include <spdlog/spdlog.h>

#include "core/urn.h"
#include "storage/consent_ledger.h"
#include "storage/suppression_list.h"

namespace outreach::engine {

void record_provider_opt_out(storage::Database& db, const std::string& suppression_key, std::int64_t contact_id,
                             const std::string& purpose, const std::string& channel, const std::string& to,
                             const std::string& reason, core::TimePoint at, const std::string& what) {
  storage::ConsentEvent ev;
  ev.contact_id = contact_id;
  ev.purpose = purpose;
  ev.channel = channel;
  ev.action = storage::ConsentAction::withdraw;
  ev.source = "provider_opt_out";
  ev.collector = "engine";
  ev.at = at;
  ev.origin_form = reason;
  if (auto rec = storage::ConsentLedger(db).record(ev); !rec) spdlog::error("{}: consent withdraw: {}", what, rec.error().what());
  if (auto addr = core::Urn::trusted(to)) {
    storage::SuppressionList suppressions(db, suppression_key);
    if (auto st = suppressions.add({*addr}, "opted_out", at); !st) {
      spdlog::error("suppress opted-out address of {}: {}", what, st.error().what());
    }
  }
}

}  // namespace outreach::engine
