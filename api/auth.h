#pragma once
// Who is calling, and what their token's scope allows. The router calls authenticate() and the
// route's table of kinds before any handler runs; handlers call the scope checks below for the
// resource they touch (a municipality code, a case owner). Refusals carry no detail: a caller
// learns nothing about things outside its scope.

#include <string>

#include "api/http_types.h"
#include "core/error.h"
#include "storage/principal_store.h"

namespace outreach::storage {
class MunicipalityStore;
}

namespace outreach::api {

// "Authorization: Bearer <token>" -> the live principal; unauthorized when missing or unknown.
core::Result<storage::Principal> authenticate(const Request& request, const storage::PrincipalStore& principals);

// May `p` read the residents' list of municipality `code`?
//   municipality: scope == code; regional_hub: code is a member of the region in scope;
//   national_fallback: any known municipality. Everybody else: no.
bool may_read_municipality(const storage::Principal& p, const std::string& code,
                           const storage::MunicipalityStore& municipalities);

// The owner code under which `p` owns cases: a municipality's CBS code, a hub's CBS code, the
// fallback team's name (its scope, or `national_fallback`). Empty for other kinds.
std::string case_owner_code(const storage::Principal& p, const storage::MunicipalityStore& municipalities,
                            const std::string& national_fallback);
// The storage::Case owner_kind a principal kind owns as: "municipality", "hub", "fallback"; empty
// for other kinds. A hub municipality's own token and its hub token are different owners.
std::string case_owner_kind(const storage::Principal& p);

}  // namespace outreach::api
