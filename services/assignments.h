#pragma once
// Volunteers and intermediaries ask for people to approach, see the people they hold, and release
// them. Rules (the contactability policy decides each person at the moment of handing out):
//  1. only volunteers and intermediaries hold people; a request names a municipality and a
//     language within the actor's scope (none named: any in scope);
//  2. a person is handed out only with "peer-contact" consent and nothing that blocks them (STOP
//     on any channel, do-not-contact, erased, suppressed address): campaigns/contactability.h;
//  3. the actor holds at most `cap` people at once; an assignment expires `ttl` after it was
//     handed out, and the person may go to somebody else;
//  4. a person shows only the addresses they may be contacted on: peer-contact consent on that
//     address's channel (or on every channel);
//  5. every person handed out or listed is one audit record (purpose peer-contact).
// A person who became blocked after being handed out disappears from the holder's list.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/contactability.h"

namespace outreach::storage {
class Database;
}
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct AssignmentRules {
  int cap = 25;                                         // people held at once
  core::Millis ttl = std::chrono::hours(24 * 14);       // an assignment expires after
};

struct AssignmentRequest {
  int count = 0;             // 1..100
  std::string municipality;  // CBS code within scope; empty: any in scope
  std::string language;      // empty: any
};

struct AssignedPerson {
  std::int64_t contact_id = 0;
  std::string name;
  std::string language;
  std::string municipality;
  std::vector<std::string> addresses;  // only those the person may be contacted on
  core::TimePoint expires_at{};
};

struct AssignmentBatch {
  std::vector<AssignedPerson> people;  // handed out now (request) or held (list)
  int held = 0;
  int cap = 0;
};

// `db`, `clock` and `config` must outlive the service.
class Assignments {
 public:
  Assignments(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
              AssignmentRules rules);

  core::Result<AssignmentBatch> request(const Actor& actor, const AssignmentRequest& request);
  core::Result<AssignmentBatch> held(const Actor& actor);
  // forbidden when the person is not held by the actor (whether or not they exist).
  core::Status release(const Actor& actor, std::int64_t contact_id);
  // forbidden unless the actor holds the person now (for contact logs).
  core::Status require_held(const Actor& actor, std::int64_t contact_id);
  // One person the actor holds now, as held() shows them (one audit record); forbidden "not
  // assigned to you" when the actor does not hold them or they became blocked (whether or not
  // they exist).
  core::Result<AssignedPerson> held_person(const Actor& actor, std::int64_t contact_id);

 private:
  core::Status expire();
  core::Result<AssignedPerson> person(std::int64_t contact_id, core::TimePoint assigned_at) const;
  core::Status require_field(const Actor& actor) const;

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  AssignmentRules rules_;
  Contactability policy_;
};

}  // namespace outreach::services
