#pragma once
// Principals: who may do what. Kinds: coordinator, approver (privacy officer), parent_panel,
// volunteer (scope = municipalities and/or regions, comma-separated), intermediary, municipality
// (scope = one CBS code), regional_hub (scope = region code), national_fallback, operator.
// Bearer tokens are random, shown once, and stored only as SHA-256 hashes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class PrincipalKind {
  coordinator, approver, volunteer, intermediary, municipality, regional_hub, national_fallback, operator_,
  parent_panel  // a member of the parents' panel: approves campaigns like an approver (a second person)
};
const char* to_string(PrincipalKind k);
core::Result<PrincipalKind> parse_principal_kind(const std::string& text);

struct Principal {
  std::int64_t id = 0;
  std::string name;
  PrincipalKind kind = PrincipalKind::coordinator;
  std::string scope;  // CBS code for municipality, region code for regional_hub, else empty
  core::TimePoint created_at{};
  bool revoked = false;
};

struct IssuedToken {
  Principal principal;
  std::string token;  // the only time the plain token exists
};

// `db` must outlive the store.
class PrincipalStore {
 public:
  explicit PrincipalStore(Database& db) : db_(db) {}
  PrincipalStore(const PrincipalStore&) = delete;
  PrincipalStore& operator=(const PrincipalStore&) = delete;

  core::Result<IssuedToken> add(const std::string& name, PrincipalKind kind, const std::string& scope,
                                core::TimePoint now);
  core::Status revoke(const std::string& name, core::TimePoint now);
  core::Result<Principal> find(const std::string& name) const;
  // By id, revoked or not; not_found when none.
  core::Result<Principal> find_id(std::int64_t id) const;
  // The live principal whose token hashes to the stored hash; unauthorized otherwise.
  core::Result<Principal> authenticate(const std::string& token) const;
  std::vector<Principal> list() const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
