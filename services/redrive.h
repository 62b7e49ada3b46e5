#pragma once
// Resending what is in doubt, on purpose. A message, page post or notice whose send may have reached
// its receiver is `unknown` and the engine never retries it (README "Delivery guarantees"); a
// coordinator or operator who has checked decides to send it again. The change and its audit
// record commit together.
// `db` and `clock` must outlive the desk.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

struct MessageRedrive {
  std::int64_t queued = 0;  // unknown messages queued again
  // Why they were in doubt, read before the redrive overwrote the reasons: (reason, count).
  std::vector<std::pair<std::string, std::int64_t>> reasons;
};

class Redrive {
 public:
  Redrive(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // The unknown messages of a campaign (by key) or the given ids; one of them is required.
  core::Result<MessageRedrive> messages(const Actor& actor, const std::string& campaign_key,
                                        const std::vector<std::int64_t>& ids);
  // The unknown page posts of a campaign, or only `post_key` of it. Returns how many.
  core::Result<std::int64_t> posts(const Actor& actor, const std::string& campaign_key, const std::string& post_key);
  // Case and escalation notices that are `unknown` (in flight at a crash, the receiver cannot
  // dedupe) or `failed`, by id, after the operator checked with the receiver. Returns how many.
  core::Result<std::int64_t> notices(const Actor& actor, const std::vector<std::int64_t>& ids);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

}  // namespace outreach::services
