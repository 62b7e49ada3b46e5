#pragma once
// Small ASCII text helpers that every parser needs, written once. Header-only and constexpr-ish:
// no allocation unless the caller asks for a std::string.

#include <string>
#include <string_view>

namespace outreach::core {

// What the parsers here strip around a token: space, tab, CR, LF, form feed, vertical tab. Never
// Unicode spaces (U+00A0 and friends are text, not layout, in a CSV field or a header value).
inline constexpr std::string_view kAsciiSpace = " \t\r\n\f\v";

// `s` without leading and trailing characters from `chars`; a view into `s`.
constexpr std::string_view trim(std::string_view s, std::string_view chars = kAsciiSpace) {
  const auto b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}

// The same as an owned string, for callers that keep the result.
inline std::string trimmed(std::string_view s, std::string_view chars = kAsciiSpace) {
  return std::string(trim(s, chars));
}

}  // namespace outreach::core
