#pragma once
// The suppression list: keyed hashes (HMAC-SHA256 with the server secret's "suppression" key, never
// plain SHA, so the list cannot be reversed by hashing a phone book) of the addresses of people who
// opted out or were erased, with the reason and the date. It survives erasure: that is its point.
// Import, inbound messages, volunteer logs and the send-time check ask it, so an erased person who
// opted out cannot become contactable again by being imported anew.
// Invariants:
//  1. no plain address is ever stored here; one row per (address hash);
//  2. an erasure entry ("erased", "erased_after_opt_out") is never lifted: START removes only
//     "opted_out" entries, and an erasure replaces an "opted_out" entry of the same address.
// Every method refuses to work without a key (an unkeyed hash of a phone number can be reversed).
// Use from one thread (the connection's owner), like the stores.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/urn.h"
#include "storage/server_secret.h"

namespace outreach::storage {

class Database;

struct SuppressionEntry {
  std::string address_hash;  // hex HMAC of the normalised URN ("tel:+31612345678")
  std::string reason;        // "opted_out", "erased", "erased_after_opt_out"
  core::TimePoint at{};
};

// `db` must outlive the list; `key` is the derived "suppression" key (storage/server_secret.h).
class SuppressionList {
 public:
  SuppressionList(Database& db, std::string key);
  SuppressionList(const SuppressionList&) = delete;
  SuppressionList& operator=(const SuppressionList&) = delete;

  // The keyed hash of an address as stored.
  std::string hash(const core::Urn& address) const;
  // Names the key without revealing it (16 hex characters of a keyed hash of a fixed text): stored
  // beside an address's hash (storage/contact_store.h), so that a hash made under another key (a
  // server secret replaced) is never trusted.
  const std::string& key_id() const { return key_id_; }
  // Adds (or keeps the first entry of) each address; an erasure reason replaces "opted_out".
  // Part of the caller's transaction.
  core::Status add(const std::vector<core::Urn>& addresses, const std::string& reason, core::TimePoint at);
  // Undoes an opt-out (START): removes the "opted_out" entries of these addresses, never an
  // erasure entry. Returns how many entries went.
  core::Result<int> remove_opted_out(const std::vector<core::Urn>& addresses);
  // The entry for this address, if it is suppressed.
  core::Result<std::optional<SuppressionEntry>> find(const core::Urn& address) const;
  // Whether any of the addresses is suppressed.
  core::Result<bool> contains_any(const std::vector<core::Urn>& addresses) const;
  // For each address (same order), whether it is suppressed: one query for all of them.
  core::Result<std::vector<bool>> suppressed(const std::vector<core::Urn>& addresses) const;
  // The hash to look up for an address whose hash may have been stored with it
  // (storage/contact_store.h): the stored one when it was made under this list's key_id(), else a
  // fresh one, so a hash from a replaced server secret is never trusted.
  std::string hash_of(const core::Urn& address, const std::string& stored_hash, const std::string& stored_key) const;
  // For each hash (same order), whether it is suppressed: one query for all of them.
  core::Result<std::vector<bool>> suppressed_hashes(const std::vector<std::string>& hashes) const;
  std::int64_t count() const;

 private:
  Database& db_;
  std::string key_;
  HmacSha256 hmac_;
  std::string key_id_;  // empty without a key
};

}  // namespace outreach::storage
