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

}  // namespace outreach::api
