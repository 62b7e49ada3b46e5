#pragma once
// Path patterns shared by the API router and the page router ("/v1/cases/{id}/acknowledge"), and
// the request id both give every request. Pure functions, safe from any thread.

#include <map>
#include <string>

namespace outreach::net {

// Matches "/v1/cases/{id}" against "/v1/cases/7": true and params {"id": "7"} (percent-decoded).
// An empty or badly escaped segment does not match.
bool match_pattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params);

// 16 random bytes as 32 hex characters.
std::string new_request_id();

}  // namespace outreach::net
