#pragma once
// People and their addresses. Invariants:
//  1. an address URN belongs to at most one contact (UNIQUE), always normalised (core::Urn);
//  2. an erased contact keeps only an anonymous tombstone row, so counts and foreign keys hold.
// Only contact details, municipality, language preference and tags are stored: no nationality,
// ethnicity, health data or BSN.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/urn.h"

namespace outreach::storage {

class Database;
class SuppressionList;

struct ContactAddress {
  core::Urn urn;
  bool bad = false;  // bounced / invalid according to a provider
  std::string bad_reason;
  // SuppressionList::hash(urn), stored with the address when the writer had the key, and the
  // SuppressionList::key_id() it was made with; both empty otherwise (the reader hashes).
  std::string address_hash;
  std::string address_hash_key;
};

struct Contact {
  std::int64_t id = 0;
  std::string name;
  std::string language = "nl";
  std::string municipality;  // CBS code
  std::vector<ContactAddress> addresses;
  std::vector<std::string> tags;
  bool do_not_contact = false;
  std::string dnc_reason;
  core::TimePoint created_at{};
  bool erased = false;

  // First usable (not bad) address with this scheme.
  const core::Urn* address(core::UrnScheme scheme) const;
};

// `db` must outlive the store.
class ContactStore {
 public:
  explicit ContactStore(Database& db) : db_(db) {}
  ContactStore(const ContactStore&) = delete;
  ContactStore& operator=(const ContactStore&) = delete;

  // Inserts the contact with its addresses and tags; refuses an address that another contact has.
  core::Result<std::int64_t> add(const Contact& c, core::TimePoint now);
  core::Result<Contact> get(std::int64_t id) const;
  // The contacts with these ids (erased ones included), addresses and tags loaded, in id order, in
  // three queries whatever their number; ids without a contact are left out. The contactability
  // policy needs no tags: Tags::skip leaves them empty and saves the third query.
  enum class Tags { load, skip };
  std::vector<Contact> get_many(const std::vector<std::int64_t>& ids, Tags tags = Tags::load) const;
  // Engines sharing a database (PostgreSQL): holds these contacts' rows against consent changes
  // and erasure (which lock the row for update) until the caller's transaction ends, so that a
  // batch's send-time check and its hand-out see one state of each person: a STOP committed
  // before the check is seen, one arriving after waits until the batch is handed out. Rows are
  // taken in id order. Nothing on SQLite, whose single writer orders these already.
  // Requires a running transaction.
  void hold_for_sending(const std::vector<std::int64_t>& ids);
  core::Result<Contact> find_by_urn(const core::Urn& urn) const;
  core::Status set_do_not_contact(std::int64_t id, bool dnc, const std::string& reason);
  // A provider said the address does not work (bounce, invalid number).
  core::Status mark_address_bad(const std::string& urn, const std::string& reason);
  // Removes personal data everywhere and keeps an anonymous tombstone; closes the contact's open
  // cases (nobody is left to help) and blanks their notes. In the same transaction the addresses go
  // onto the suppression list, reason "erased_after_opt_out" when the person's latest word was a
  // withdrawal of some purpose (other than sharing) or they asked for no contact, else "erased":
  // a later import of the same list cannot make them contactable again.
  // What goes: name, dnc reason, addresses, tags, consent events, contact logs (and the
  // intermediary reports on them), assignments, sandbox copies of messages to them, the text,
  // address and provider id of their replies (and of replies from their addresses not yet linked),
  // and of their outbox rows the address, the provider id and the reason (bounce diagnostics),
  // with the provider id and detail of those rows' delivery events, and case notes.
  // What stays: the tombstone (id, municipality, language, dates), outbox rows and cases by status.
  core::Status erase(std::int64_t id, SuppressionList& suppressions, core::TimePoint now);
  // Stores the keyed hash of every address that has none, or one made under another key than
  // `suppressions`' (addresses stored before migration 17, or before a server secret was replaced),
  // a thousand per transaction. Returns how many it hashed. The engine runs it at start-up.
  core::Result<std::int64_t> fill_address_hashes(const SuppressionList& suppressions);
  std::int64_t count() const;

  // Streams every live contact in id order with addresses and tags, without loading all at once.
  void for_each(const std::function<void(const Contact&)>& fn) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
