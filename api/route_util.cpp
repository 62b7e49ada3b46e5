#include "api/route_util.h"

#include <charconv>
#include <cstdio>

#include "api/errors.h"
#include "core/text_encoding.h"

namespace outreach::api {

namespace {

// U+FDD0, a noncharacter no client sends: marks where the bad bytes were once the text is parsed.
constexpr std::string_view kMark = "\xEF\xB7\x90";

// The path of the first key or string value holding the mark, or empty.
std::string marked_member(const json& j, const std::string& path) {
  if (j.is_string()) return j.get_ref<const std::string&>().find(kMark) != std::string::npos ? path : std::string();
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (auto p = marked_member(j[i], path + "[" + std::to_string(i) + "]"); !p.empty()) return p;
    }
  }
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string member = path.empty() ? it.key() : path + "." + it.key();
      if (it.key().find(kMark) != std::string::npos) return member;
      if (auto p = marked_member(it.value(), member); !p.empty()) return p;
    }
  }
  return {};
}

}  // namespace

core::Status check_json_utf8(std::string_view text) {
  auto bad = core::first_invalid_utf8(text);
  if (!bad) return {};
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
  const std::string message = "not valid UTF-8 (byte " + std::string(byte) + " at offset " + std::to_string(*bad) + ")";
  std::string marked(text.substr(0, *bad));
  for (std::size_t i = *bad; i < text.size();) {
    auto next = core::first_invalid_utf8(text.substr(i));
    if (next && *next == 0) {
      marked += kMark;
      ++i;
      continue;
    }
    std::size_t n = next ? *next : text.size() - i;
    marked.append(text.substr(i, n));
    i += n;
  }
  json parsed = json::parse(marked, nullptr, false);
  std::string member = parsed.is_discarded() ? std::string() : marked_member(parsed, "");
  for (std::size_t at = member.find(kMark); at != std::string::npos; at = member.find(kMark, at)) {
    member.replace(at, kMark.size(), "\xEF\xBF\xBD");  // name the member as the client will see it
  }
  return core::Error::invalid(message, member.empty() ? "body" : member);
}

core::Result<json> parse_json_object(const Request& request) {
  if (auto st = check_json_utf8(request.body); !st) return st.error();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return core::Error::invalid("malformed JSON", "body");
  if (!body.is_object()) return core::Error::invalid("expected a JSON object", "body");
  return body;
}

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

core::Result<std::optional<std::string>> string_field(const json& obj, const std::string& name, bool required,
                                                      std::size_t max_len, const std::string& prefix) {
  const std::string field = prefix + name;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required) return core::Error::invalid("required", field);
    return std::optional<std::string>();
  }
  if (!it->is_string()) return core::Error::invalid("expected a string", field);
  std::string value = it->get<std::string>();
  if (required && value.empty()) return core::Error::invalid("required", field);
  if (value.size() > max_len) {
    return core::Error::invalid("longer than " + std::to_string(max_len) + " bytes", field);
  }
  return std::optional<std::string>(std::move(value));
}

core::Result<std::optional<core::TimePoint>> time_param(const Request& request, const std::string& name,
                                                        bool end_of_day) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::optional<core::TimePoint>();
  core::TimePoint t;
  if (!core::parse_utc(it->second, t)) {
    return core::Error::invalid("expected an ISO date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)", name);
  }
  if (end_of_day && it->second.size() == 10) t += std::chrono::hours(24);
  return std::optional<core::TimePoint>(t);
}

core::Result<std::int64_t> int_param(const Request& request, const std::string& name, std::int64_t fallback,
                                     std::int64_t min, std::int64_t max) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return fallback;
  std::int64_t v = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) {
    return core::Error::invalid("expected an integer from " + std::to_string(min) + " to " + std::to_string(max),
                                name);
  }
  return v;
}

Response fail(const core::Error& e) { return error_response(e); }

channels::WebhookRequest to_webhook_request(const std::string& public_base_url, const Request& request) {
  channels::WebhookRequest w;
  w.method = request.method;
  std::string base = public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  w.url = base + request.target;
  w.target = request.target;
  w.headers = request.headers;
  w.body = request.body;
  return w;
}

services::Actor actor_of(const Call& call) {
  return services::Actor::from(*call.principal, call.request_id, "api");
}

const std::vector<storage::PrincipalKind>& municipal_kinds() {
  static const std::vector<storage::PrincipalKind> kinds = {
      storage::PrincipalKind::municipality, storage::PrincipalKind::regional_hub, storage::PrincipalKind::national_fallback};
  return kinds;
}

json time_or_null(const std::optional<core::TimePoint>& t) { return t ? json(core::format_utc(*t)) : json(nullptr); }
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace outreach::api
