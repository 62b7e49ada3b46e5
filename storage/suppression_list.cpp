// Interim implementation for the services branch; the suppression branch replaces it.
#include "storage/suppression_list.h"

#include "storage/database.h"
#include "storage/server_secret.h"
#include "storage/sql_util.h"

namespace outreach::storage {

std::string SuppressionList::hash(const core::Urn& address) const { return hmac_sha256_hex(key_, address.str()); }

core::Status SuppressionList::add(const std::vector<core::Urn>& addresses, const std::string& reason, core::TimePoint at) {
  try {
    SQLite::Statement st(db_.sql(), "INSERT OR IGNORE INTO suppressions(address_hash, reason, at) VALUES (?, ?, ?)");
    for (const auto& a : addresses) {
      st.bind(1, hash(a));
      st.bind(2, reason);
      st.bind(3, static_cast<int64_t>(core::to_millis(at)));
      st.exec();
      st.reset();
    }
  } catch (const std::exception& e) {
    return storage_error(e, "SuppressionList::add");
  }
  return {};
}

core::Result<std::optional<SuppressionEntry>> SuppressionList::find(const core::Urn& address) const {
  try {
    SQLite::Statement st(db_.sql(), "SELECT address_hash, reason, at FROM suppressions WHERE address_hash = ?");
    st.bind(1, hash(address));
    if (!st.executeStep()) return std::optional<SuppressionEntry>();
    return std::optional<SuppressionEntry>(SuppressionEntry{st.getColumn(0).getString(), st.getColumn(1).getString(),
                                                            core::from_millis(st.getColumn(2).getInt64())});
  } catch (const std::exception& e) {
    return storage_error(e, "SuppressionList::find");
  }
}

core::Result<bool> SuppressionList::contains_any(const std::vector<core::Urn>& addresses) const {
  for (const auto& a : addresses) {
    auto e = find(a);
    if (!e) return e.error();
    if (*e) return true;
  }
  return false;
}

}  // namespace outreach::storage
