#pragma once
// application/x-www-form-urlencoded bodies and URL query strings, as ordered name/value lists
// (order and repeated names are kept: Twilio signatures and round trips depend on them).
// Pure functions: safe from any thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace outreach::channels {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Form component encoding (WHATWG urlencoded): unreserved bytes A-Z a-z 0-9 - . _ * stay, space
// becomes '+', everything else %XX with upper-case hex.
std::string form_escape(std::string_view text);
// RFC 3986 percent-encoding for a path segment or query value: A-Z a-z 0-9 - . _ ~ stay, space %20.
std::string percent_encode(std::string_view text);

// "a=1&b=x+y" from {{"a","1"},{"b","x y"}}.
std::string form_encode(const FormFields& fields);

// Decodes a body or query: '+' is a space, %XX a byte; empty pairs ("a=1&&b=2") are skipped, a
// name without '=' gets an empty value. A bad escape is an error naming it:
// "form body: bad percent-escape '%G1' in field 2".
core::Result<FormFields> form_decode(std::string_view body);

// The decoded query of a URL or request target ("/hook?a=1#frag" -> {{"a","1"}}); empty when there
// is no '?'.
core::Result<FormFields> parse_query(std::string_view url_or_target);

// First value of `name` (case-sensitive, as form names are), or nullptr.
const std::string* find_field(const FormFields& fields, std::string_view name);

}  // namespace outreach::channels
