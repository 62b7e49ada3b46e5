#pragma once
// Inbound messages from people (replies by SMS, e-mail, WhatsApp, ...). Invariant: a provider's
// message id is recorded once per channel, so a webhook delivered twice creates one response.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct Response {
  std::int64_t id = 0;
  std::optional<std::int64_t> contact_id;  // unknown senders are kept too
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> message_id;  // the outbox row it answers
  std::string channel;
  std::string urn;
  std::string provider_message_id;
  std::string text;
  std::string keyword;  // "stop", "yes", "help" or empty
  core::TimePoint received_at{};
};

// Filter for a municipality's response list. Paging is by response id (a cursor, stable under inserts).
struct ResponseQuery {
  std::string municipality;  // CBS code; only residents who consented to share:<code>
  std::optional<core::TimePoint> since;
  std::optional<core::TimePoint> until;
  std::int64_t after_id = 0;
  int limit = 100;
};

// A row of a municipality's list: the response with the resident's contact details and case status.
struct SharedResponse {
  Response response;
  std::string name;
  std::string language;
  // The person's first phone number and e-mail address (by id, bounced ones included). Not read by
  // for_each_shared: services::ResponseLists fills them in from the contact row the policy reads.
  std::string phone;
  std::string email;
  std::string case_status;  // empty when no case
  std::int64_t case_id = 0;
};

// `db` must outlive the store.
class ResponseStore {
 public:
  explicit ResponseStore(Database& db) : db_(db) {}
  ResponseStore(const ResponseStore&) = delete;
  ResponseStore& operator=(const ResponseStore&) = delete;

  // Returns the new id, or nullopt when (channel, provider_message_id) was recorded before.
  core::Result<std::optional<std::int64_t>> record(const Response& r);
  bool has_responded(std::int64_t contact_id, core::TimePoint since) const;
  // The latest response of each of these contacts, in one query (the dispatcher's claimed batch);
  // contacts without a response are absent.
  std::unordered_map<std::int64_t, core::TimePoint> latest_of(const std::vector<std::int64_t>& contact_ids) const;
  // Contacts with at least one response, in id order (audience exclusion "responded").
  void for_each_responder(const std::function<void(std::int64_t)>& fn) const;
  std::vector<Response> for_contact(std::int64_t contact_id) const;
  // Streams a municipality's list (consent share:<code> granted and not withdrawn) in id order,
  // phone and email left empty (SharedResponse). `fn` may move the row away: it is not read again.
  void for_each_shared(const ResponseQuery& q, const std::function<void(SharedResponse&)>& fn) const;
  std::int64_t count() const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
