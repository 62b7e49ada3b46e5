#include "api/auth.h"

#include <cctype>

#include "storage/municipality_store.h"

namespace outreach::api {

using storage::PrincipalKind;

core::Result<storage::Principal> authenticate(const Request& request, const storage::PrincipalStore& principals) {
  const std::string* header = request.header("Authorization");
  if (!header) return core::Error{core::ErrorCode::unauthorized, "missing bearer token", {}};
  std::string_view h = *header;
  constexpr std::string_view kScheme = "bearer ";
  bool scheme_ok = h.size() > kScheme.size();
  for (std::size_t i = 0; scheme_ok && i < kScheme.size(); ++i) {
    scheme_ok = std::tolower(static_cast<unsigned char>(h[i])) == kScheme[i];
  }
  if (!scheme_ok) return core::Error{core::ErrorCode::unauthorized, "expected 'Authorization: Bearer <token>'", {}};
  std::string token(h.substr(kScheme.size()));
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  auto p = principals.authenticate(token);
  if (!p) return core::Error{core::ErrorCode::unauthorized, "unknown or revoked token", {}};
  return p;
}

bool may_read_municipality(const storage::Principal& p, const std::string& code,
                           const storage::MunicipalityStore& municipalities) {
  switch (p.kind) {
    case PrincipalKind::municipality:
      return !p.scope.empty() && p.scope == code;
    case PrincipalKind::regional_hub: {
      if (p.scope.empty()) return false;
      auto m = municipalities.get(code);
      return m.ok() && m->region_code == p.scope;
    }
    case PrincipalKind::national_fallback:
      return municipalities.get(code).ok();
    default:
      return false;
  }
}

std::string case_owner_code(const storage::Principal& p, const storage::MunicipalityStore& municipalities,
                            const std::string& national_fallback) {
  switch (p.kind) {
    case PrincipalKind::municipality:
      return p.scope;
    case PrincipalKind::regional_hub: {
      auto r = municipalities.region(p.scope);
      return r.ok() ? r->hub_code : std::string();
    }
    case PrincipalKind::national_fallback:
      return p.scope.empty() ? national_fallback : p.scope;
    default:
      return {};
  }
}

std::string case_owner_kind(const storage::Principal& p) {
  switch (p.kind) {
    case PrincipalKind::municipality: return "municipality";
    case PrincipalKind::regional_hub: return "hub";
    case PrincipalKind::national_fallback: return "fallback";
    default: return {};
  }
}

}  // namespace outreach::api
