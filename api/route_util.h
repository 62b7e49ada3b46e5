#pragma once
// Small helpers the route files share (api-internal: includes nlohmann/json).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.h"
#include "services/actor.h"

#include "api/http_types.h"
#include "channels/connector.h"
#include "core/clock.h"
#include "core/error.h"

namespace outreach::api {

using json = nlohmann::json;

// The body as a JSON object; invalid_input "malformed JSON ..." (field "body") otherwise, and
// invalid_input naming the member ("reports[0].note") whose string is not valid UTF-8.
core::Result<json> parse_json_object(const Request& request);

// Refuses JSON text with bytes that are not UTF-8, naming the member they are in ("name",
// "reports[2].note"), or "body" when they are outside any string. Valid UTF-8 passes unparsed.
core::Status check_json_utf8(std::string_view text);

// A positive decimal id, or nullopt.
std::optional<std::int64_t> parse_id(const std::string& text);

// A string member: missing or null -> nullopt when optional, invalid "required" otherwise;
// wrong type or longer than max_len -> invalid naming the field.
core::Result<std::optional<std::string>> string_field(const json& obj, const std::string& name, bool required,
                                                      std::size_t max_len = 1000, const std::string& prefix = {});

// ISO date or date-time query parameter. A date-only `until` means the end of that day.
core::Result<std::optional<core::TimePoint>> time_param(const Request& request, const std::string& name,
                                                        bool end_of_day);

// Integer query parameter in [min, max]; missing -> fallback.
core::Result<std::int64_t> int_param(const Request& request, const std::string& name, std::int64_t fallback,
                                     std::int64_t min, std::int64_t max);

// The request as a provider or partner signed it: `url` is public_base_url + target (signatures
// cover the public URL).
channels::WebhookRequest to_webhook_request(const std::string& public_base_url, const Request& request);

// The kinds that read residents' lists and own cases: municipality, regional hub, national fallback.
const std::vector<storage::PrincipalKind>& municipal_kinds();

// A time as ISO UTC text, or null; a text, or null when empty.
json time_or_null(const std::optional<core::TimePoint>& t);
json text_or_null(const std::string& s);

// Wraps a core::Error into the api's error response.
Response fail(const core::Error& e);

// The authenticated caller as the services see it (Requires: a route that is not public).
services::Actor actor_of(const Call& call);

}  // namespace outreach::api
