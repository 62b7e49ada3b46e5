#include "storage/principal_store.h"

#include <openssl/rand.h>

#include <array>

#include "storage/database.h"
#include "storage/hashing.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

constexpr std::array<const char*, 9> kKinds = {"coordinator",  "approver",     "volunteer",         "intermediary",
                                               "municipality", "regional_hub", "national_fallback", "operator",
                                               "parent_panel"};

constexpr const char* kSelect = "SELECT id, name, kind, scope, created_at, revoked_at FROM principals";

Principal read_principal(Statement& st) {
  Principal p;
  p.id = st.getColumn(0).getInt64();
  p.name = st.getColumn(1).getString();
  p.kind = *parse_principal_kind(st.getColumn(2).getString());
  p.scope = st.getColumn(3).getString();
  p.created_at = core::from_millis(st.getColumn(4).getInt64());
  p.revoked = !st.getColumn(5).isNull();
  return p;
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a token");
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t = "otr_";
  for (unsigned char b : bytes) t.push_back(kAlphabet[b & 63]);
  return t;
}

}  // namespace

const char* to_string(PrincipalKind k) { return kKinds[static_cast<std::size_t>(k)]; }

core::Result<PrincipalKind> parse_principal_kind(const std::string& text) {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (text == kKinds[i]) return static_cast<PrincipalKind>(i);
  }
  return core::Error::invalid("unknown principal kind '" + text +
                                  "' (coordinator, approver, volunteer, intermediary, municipality, regional_hub, "
                                  "national_fallback, operator, parent_panel)",
                              "kind");
}

core::Result<IssuedToken> PrincipalStore::add(const std::string& name, PrincipalKind kind, const std::string& scope,
                                              core::TimePoint now) {
  if (name.empty()) return core::Error::invalid("principal name is empty", "name");
  if ((kind == PrincipalKind::municipality || kind == PrincipalKind::regional_hub || kind == PrincipalKind::volunteer) &&
      scope.empty()) {
    return core::Error::invalid(std::string("a ") + to_string(kind) + " principal needs a scope" +
                                    (kind == PrincipalKind::volunteer ? " (municipality codes and/or regions)" : ""),
                                "scope");
  }
  // A volunteer's or intermediary's scope: each item a known municipality or region.
  if (kind == PrincipalKind::volunteer || kind == PrincipalKind::intermediary) {
    std::string item;
    for (char ch : scope + ",") {
      if (ch != ',') {
        if (ch != ' ') item.push_back(ch);
        continue;
      }
      if (item.empty()) continue;
      Statement known(db_,
                      "SELECT 1 FROM municipalities WHERE code = ?1 UNION SELECT 1 FROM regions WHERE code = ?1");
      known.bind(1, item);
      if (!known.executeStep()) {
        return core::Error::invalid("'" + item + "' is neither a known municipality nor a region", "scope");
      }
      item.clear();
    }
  }
  IssuedToken out;
  out.token = random_token();
  try {
    Statement st(db_,
                 "INSERT INTO principals(name, kind, scope, token_hash, created_at) VALUES(?, ?, ?, ?, ?)");
    st.bind(1, name);
    st.bind(2, to_string(kind));
    st.bind(3, scope);
    st.bind(4, sha256_hex(out.token));
    st.bind(5, static_cast<int64_t>(core::to_millis(now)));
    st.exec();
  } catch (const std::exception& e) {
    auto err = storage_error(e, "PrincipalStore::add");
    if (err.code == core::ErrorCode::conflict) return core::Error::conflict("principal '" + name + "' exists", "name");
    return err;
  }
  auto p = find(name);
  if (!p) return p.error();
  out.principal = *p;
  return out;
}

core::Status PrincipalStore::revoke(const std::string& name, core::TimePoint now) {
  Statement st(db_, "UPDATE principals SET revoked_at = ?, token_hash = NULL WHERE name = ? AND revoked_at IS NULL");
  st.bind(1, static_cast<int64_t>(core::to_millis(now)));
  st.bind(2, name);
  if (st.exec() == 0) return core::Error::not_found("no active principal '" + name + "'", "name");
  return {};
}

core::Result<Principal> PrincipalStore::find(const std::string& name) const {
  Statement st(db_, std::string(kSelect) + " WHERE name = ?");
  st.bind(1, name);
  if (!st.executeStep()) return core::Error::not_found("no principal '" + name + "'", "name");
  return read_principal(st);
}

core::Result<Principal> PrincipalStore::find_id(std::int64_t id) const {
  auto st = db_.cached(std::string(kSelect) + " WHERE id = ?");
  st->bind(1, static_cast<int64_t>(id));
  if (!st->executeStep()) return core::Error::not_found("no principal " + std::to_string(id), "id");
  return read_principal(*st);
}

core::Result<Principal> PrincipalStore::authenticate(const std::string& token) const {
  // Lookup by the hash of the presented token: the comparison happens on hashes inside the index,
  // so timing reveals nothing about stored tokens.
  auto st_cached = db_.cached(std::string(kSelect) + " WHERE token_hash = ? AND revoked_at IS NULL");
  Statement& st = *st_cached;
  st.bind(1, sha256_hex(token));
  if (token.empty() || !st.executeStep()) {
    return core::Error{core::ErrorCode::unauthorized, "missing or unknown bearer token", "Authorization"};
  }
  return read_principal(st);
}

std::vector<Principal> PrincipalStore::list() const {
  Statement st(db_, std::string(kSelect) + " ORDER BY id");
  std::vector<Principal> out;
  while (st.executeStep()) out.push_back(read_principal(st));
  return out;
}

}  // namespace outreach::storage
