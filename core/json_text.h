#pragma once
// Serialising JSON without throwing on stored text. nlohmann's dump() throws type_error 316 on a
// string that is not valid UTF-8; text that reached the database before the boundaries were
// checked (or through a path nobody thought of) must not turn a route into a 500 or end `serve`.
// Every dump in api/, engine/, channels/ and app/ goes through json_text(), which writes U+FFFD for
// bad bytes instead.
//
// Header-only and it includes nlohmann/json: include it from .cpp files only.

#include <string>

#include <nlohmann/json.hpp>

namespace outreach::core {

// Any nlohmann::basic_json (json, ordered_json): members keep the order of their type.
template <typename Json>
std::string json_text(const Json& value, int indent = -1) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace outreach::core
