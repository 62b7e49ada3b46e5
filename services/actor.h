#pragma once
// Who is acting, as every service function sees it: the principal's name, kind and scope, and the
// request it came with (carried into the audit record). Clients build it after authenticating
// (bearer token, session cookie, the CLI's --as); the engine acts as Actor::system.
//
// Scope by kind:
//   municipality       one CBS code ("GM0599")
//   regional_hub       one region code ("rijnmond")
//   volunteer          municipalities and/or regions, comma-separated ("GM0599,rijnmond"); a
//                      volunteer without a scope gets nobody
//   intermediary       as volunteer; empty means "as configured for the intermediary"
//   national_fallback  its owner code for cases (empty: the configured fallback)
//   others             empty

#include <string>
#include <vector>

#include "storage/principal_store.h"

namespace outreach::services {

struct Actor {
  std::string name;  // principal name, or "system:<component>"
  storage::PrincipalKind kind = storage::PrincipalKind::operator_;
  std::string scope;
  std::string request_id;  // "cli-..." or the HTTP request id
  std::string via;         // "cli", "api", "web", "engine"

  static Actor from(const storage::Principal& p, std::string request_id, std::string via) {
    return Actor{p.name, p.kind, p.scope, std::move(request_id), std::move(via)};
  }
  static Actor system(const std::string& component) {
    return Actor{"system:" + component, storage::PrincipalKind::operator_, {}, "system", "engine"};
  }
  bool is(storage::PrincipalKind k) const { return kind == k; }
  bool is_system() const { return name.rfind("system:", 0) == 0; }
  // The scope split on ','; empty entries dropped.
  std::vector<std::string> scope_list() const;
};

}  // namespace outreach::services
