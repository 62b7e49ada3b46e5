#pragma once
// What a connector is built from: the provider's name, its API base URL and the resolved settings
// (secrets already read from wherever configuration keeps them). Plain data. The keys each provider
// needs are listed in channels/connector_factory.h.

#include <map>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::channels {

struct ProviderSettings {
  std::string provider;  // "twilio", "cm", "messagebird", "whatsapp", "messenger", "telegram", "facebook_page"
  std::string base_url;  // e.g. "https://api.twilio.com"; empty means the provider's public default
  std::map<std::string, std::string, std::less<>> values;  // account_sid, auth_token, from, ...
  // Time source for signature freshness checks (MessageBird JWT nbf/exp). Not owned; must outlive
  // the connector. nullptr means the system clock.
  const core::Clock* clock = nullptr;

  const std::string* find(std::string_view key) const {
    auto it = values.find(key);
    return it == values.end() || it->second.empty() ? nullptr : &it->second;
  }
  std::string get(std::string_view key, std::string_view fallback = {}) const {
    const std::string* v = find(key);
    return v ? *v : std::string(fallback);
  }
  // The value, or invalid_input "providers.<provider>.<key>: missing setting".
  core::Result<std::string> require(std::string_view key) const {
    if (const std::string* v = find(key)) return *v;
    return core::Error::invalid("missing setting", "providers." + provider + "." + std::string(key));
  }
};

}  // namespace outreach::channels
