#pragma once
// The contactability policy as the services ask it: the pure decision (campaigns/contactability.h)
// on facts read now (engine::load_person_facts), plus the actor's scope. One object per request;
// every service path that contacts or reveals a person asks it at the moment it acts.
//
// Scope (services/actor.h): a municipality sees its own residents; a regional hub those of its
// region's municipalities; the national fallback everyone; a volunteer or intermediary the
// municipalities and regions listed in its scope (none when empty); coordinators, approvers,
// the parent panel and operators work on campaigns, not on people's lists (outside their scope).

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "campaigns/contactability.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
class SuppressionList;
struct Contact;
}  // namespace outreach::storage

namespace outreach::services {

// `db` must outlive the policy. `suppression_key` is the derived "suppression" key; empty means
// the suppression list is not consulted (only tests without a server secret).
class Contactability {
 public:
  Contactability(storage::Database& db, const std::string& suppression_key);
  ~Contactability();
  Contactability(const Contactability&) = delete;
  Contactability& operator=(const Contactability&) = delete;

  // The municipalities (CBS codes) `actor` may see people of; every municipality for the
  // national fallback.
  std::set<std::string> municipalities_in_scope(const Actor& actor) const;
  bool in_scope(const Actor& actor, const std::string& municipality) const;

  // The whole answer for one person: out_of_scope first, then the policy's reasons.
  core::Result<campaigns::Verdict> check(const Actor& actor, std::int64_t contact_id, const campaigns::Ask& ask) const;
  // The same answer for many people (a page of a list): their facts read in a few queries
  // (engine::load_people_facts), then the same decision per person as check(). Ids without a
  // contact are absent from the result.
  core::Result<std::unordered_map<std::int64_t, campaigns::Verdict>> check_all(const Actor& actor,
                                                                               const std::vector<std::int64_t>& contact_ids,
                                                                               const campaigns::Ask& ask) const;
  // check_all for contacts the caller has just read (ContactStore::get_many), when it shows them too.
  std::unordered_map<std::int64_t, campaigns::Verdict> check_contacts(const Actor& actor,
                                                                      const std::vector<storage::Contact>& contacts,
                                                                      const campaigns::Ask& ask) const;
  // The facts alone (for callers that decide several asks about one person), and for many people.
  core::Result<campaigns::PersonFacts> facts(std::int64_t contact_id) const;
  core::Result<std::unordered_map<std::int64_t, campaigns::PersonFacts>> facts_of(
      const std::vector<std::int64_t>& contact_ids) const;
  // The decision on facts already read: out_of_scope first, then the policy's reasons.
  campaigns::Verdict decide(const Actor& actor, const campaigns::PersonFacts& facts, const campaigns::Ask& ask) const;

 private:

  storage::Database& db_;
  std::unique_ptr<storage::SuppressionList> suppression_;
  std::map<std::string, std::string> region_of_;  // municipality -> region, read once
};

}  // namespace outreach::services
