#include "storage/suppression_list.h"

#include <algorithm>

#include "storage/database.h"
#include "storage/server_secret.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

bool is_erasure(const std::string& reason) { return reason.rfind("erased", 0) == 0; }

core::Error no_key() {
  return core::Error::internal("no suppression key configured (ServerSecret::derive(\"suppression\"))",
                               "SuppressionList");
}

}  // namespace

SuppressionList::SuppressionList(Database& db, std::string key)
    : db_(db), key_(std::move(key)), hmac_(key_), key_id_(key_.empty() ? "" : hmac_.hex("stored address hashes").substr(0, 16)) {}

std::string SuppressionList::hash(const core::Urn& address) const { return hmac_.hex(address.str()); }

core::Status SuppressionList::add(const std::vector<core::Urn>& addresses, const std::string& reason,
                                  core::TimePoint at) {
  if (key_.empty()) return no_key();
  if (reason.empty()) return core::Error::invalid("a suppression needs a reason", "reason");
  return db_.transaction([&]() -> core::Status {
    // The first entry stays (its date is when the address was first suppressed), except that an
    // erasure replaces an opt-out: erasure is final, an opt-out can be undone.
    auto st = db_.cached(
        "INSERT INTO suppressions(address_hash, reason, at) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(address_hash) DO UPDATE SET reason = excluded.reason, at = excluded.at "
        "WHERE suppressions.reason = 'opted_out' AND ?4 = 1");
    for (const auto& a : addresses) {
      st->bind(1, hash(a));
      st->bind(2, reason);
      st->bind(3, static_cast<int64_t>(core::to_millis(at)));
      st->bind(4, is_erasure(reason) ? 1 : 0);
      st->exec();
      st->reset();
    }
    return {};
  });
}

core::Result<int> SuppressionList::remove_opted_out(const std::vector<core::Urn>& addresses) {
  if (key_.empty()) return no_key();
  int removed = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto del = db_.cached("DELETE FROM suppressions WHERE address_hash = ? AND reason = 'opted_out'");
    for (const auto& a : addresses) {
      del->bind(1, hash(a));
      removed += del->exec();
      del->reset();
    }
    return {};
  });
  if (!st) return st.error();
  return removed;
}

core::Result<std::optional<SuppressionEntry>> SuppressionList::find(const core::Urn& address) const {
  if (key_.empty()) return no_key();
  try {
    auto st = db_.cached("SELECT address_hash, reason, at FROM suppressions WHERE address_hash = ?");
    st->bind(1, hash(address));
    if (!st->executeStep()) return std::optional<SuppressionEntry>();
    return std::optional<SuppressionEntry>(SuppressionEntry{st->getColumn(0).getString(), st->getColumn(1).getString(),
                                                            core::from_millis(st->getColumn(2).getInt64())});
  } catch (const std::exception& e) {
    return storage_error(e, "SuppressionList::find");
  }
}

core::Result<bool> SuppressionList::contains_any(const std::vector<core::Urn>& addresses) const {
  auto each = suppressed(addresses);
  if (!each) return each.error();
  return std::find(each->begin(), each->end(), true) != each->end();
}

core::Result<std::vector<bool>> SuppressionList::suppressed(const std::vector<core::Urn>& addresses) const {
  if (key_.empty()) return no_key();
  std::vector<std::string> hashes;
  hashes.reserve(addresses.size());
  for (const auto& a : addresses) hashes.push_back(hash(a));
  return suppressed_hashes(hashes);
}

std::string SuppressionList::hash_of(const core::Urn& address, const std::string& stored_hash,
                                     const std::string& stored_key) const {
  if (!stored_hash.empty() && !key_id_.empty() && stored_key == key_id_) return stored_hash;
  return hash(address);
}

core::Result<std::vector<bool>> SuppressionList::suppressed_hashes(const std::vector<std::string>& hashes) const {
  if (key_.empty()) return no_key();
  std::vector<bool> out(hashes.size(), false);
  if (hashes.empty()) return out;
  try {
    static constexpr Sql kSuppressed{
        /*sqlite*/ "SELECT s.address_hash FROM json_each(?) j "
                   "CROSS JOIN suppressions s ON s.address_hash = j.value",
        /*postgres*/ "SELECT address_hash FROM suppressions WHERE address_hash IN "
                     "(SELECT value FROM json_array_elements_text(?::json))"};
    auto st = db_.cached(kSuppressed);
    st->bind(1, text_list_json(hashes));
    while (st->executeStep()) {
      const std::string h = st->getColumn(0).getString();
      for (std::size_t i = 0; i < hashes.size(); ++i) {
        if (hashes[i] == h) out[i] = true;
      }
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "SuppressionList::suppressed");
  }
}

std::int64_t SuppressionList::count() const {
  return db_.query_int64("SELECT count(*) FROM suppressions");
}

}  // namespace outreach::storage
