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

}  // namespace outreach::api
