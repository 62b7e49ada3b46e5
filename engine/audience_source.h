#pragma once
// Bridges storage and campaigns: turns stored contacts, their current consent and responses into
// campaigns::Candidate values, either streamed in chunks (launch and preview of a large audience in
// bounded memory) or one at a time (the send-time re-check). Also loads a stored campaign version.

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "campaigns/audience.h"
#include "campaigns/campaign.h"
#include "campaigns/channel_kinds.h"
#include "core/error.h"
#include "storage/contact_store.h"

namespace outreach::storage {
class Database;
class SuppressionList;
struct CampaignVersion;
}

namespace outreach::engine {

struct EngineConfig;

campaigns::ChannelKinds channel_kinds(const EngineConfig& config);

// Parses the YAML text of a stored version. Errors name the campaign and the first finding.
core::Result<campaigns::Campaign> load_campaign_version(storage::Database& db, std::int64_t campaign_id, int version);
// The same for a version already read (engine/campaign_cache.h).
core::Result<campaigns::Campaign> parse_campaign_version(const storage::CampaignVersion& v, int version);

// Calls fn with chunks of at most `chunk` candidates, in contact id order.
void for_each_candidate_chunk(storage::Database& db, const campaigns::Campaign& campaign,
                              const campaigns::ChannelKinds& kinds, const storage::SuppressionList* suppression,
                              std::size_t chunk,
                              const std::function<void(const std::vector<campaigns::Candidate>&)>& fn);

// What the contactability policy decides on for one contact, read now: erased, do-not-contact,
// consent per purpose, an open error report, and whether an address is on the suppression list (`suppression` null:
// not asked). not_found when no contact has the id.
core::Result<campaigns::PersonFacts> load_person_facts(storage::Database& db, std::int64_t contact_id,
                                                       const storage::SuppressionList* suppression);
// The same facts for many people, read in a few queries whatever their number (a page of a list
// decides about all its people at once); ids without a contact are absent. load_person_facts is
// this for one id: there is one loader.
core::Result<std::unordered_map<std::int64_t, campaigns::PersonFacts>> load_people_facts(
    storage::Database& db, const std::vector<std::int64_t>& contact_ids, const storage::SuppressionList* suppression);
// The rest of those facts for contacts the caller has just read with ContactStore::get_many (tags
// may be skipped): a page that also shows the people's addresses reads each contact once.
std::unordered_map<std::int64_t, campaigns::PersonFacts> facts_of_contacts(storage::Database& db,
                                                                           const std::vector<storage::Contact>& contacts,
                                                                           const storage::SuppressionList* suppression);

// What the send-time re-check needs about one person, read for a whole claimed batch at once: the
// contact, the contactability facts and when they last responded.
struct PersonNow {
  storage::Contact contact;
  campaigns::PersonFacts facts;
  std::optional<core::TimePoint> last_response;
};
using PeopleNow = std::unordered_map<std::int64_t, PersonNow>;

// The people with these ids as they stand now, in a fixed number of queries whatever their number
// (contacts with addresses and tags, suppression, consent, open error reports, latest responses);
// ids without a contact are absent.
core::Result<PeopleNow> load_people_now(storage::Database& db, const std::vector<std::int64_t>& contact_ids,
                                        const storage::SuppressionList* suppression);

// One person as a candidate of `campaign`: consent for its purpose per channel, the policy's
// blocking reason, and responded when a response arrived at or after `since`.
campaigns::Candidate candidate_of(const PersonNow& person, const campaigns::Campaign& campaign,
                                  const campaigns::ChannelKinds& kinds, core::TimePoint since);

// One contact as a candidate, with consent as it stands now and the policy's blocking reason;
// responded counts responses since `since`. load_people_now and candidate_of for one id.
core::Result<campaigns::Candidate> load_candidate(storage::Database& db, const campaigns::Campaign& campaign,
                                                  const campaigns::ChannelKinds& kinds,
                                                  const storage::SuppressionList* suppression,
                                                  std::int64_t contact_id, core::TimePoint since);

}  // namespace outreach::engine
