#pragma once
// What a provider's "this person opted out" answer means, whoever sent the message (a campaign step
// or a follow-up): consent for the purpose withdrawn on that channel (source "provider_opt_out"),
// and the address on the suppression list ("opted_out"), so it stays suppressed even if it later
// turns up for someone else or after an erasure. Failures are logged, never thrown: the send's
// outcome is recorded either way. `what` names the message in the log ("message 12", "follow-up 3").

#include <cstdint>
#include <string>

#include "core/clock.h"

namespace outreach::storage {
class Database;
}

namespace outreach::engine {

void record_provider_opt_out(storage::Database& db, const std::string& suppression_key, std::int64_t contact_id,
                             const std::string& purpose, const std::string& channel, const std::string& to,
                             const std::string& reason, core::TimePoint at, const std::string& what);

}  // namespace outreach::engine
