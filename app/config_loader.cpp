#include "app/config_loader.h"

#include <cctype>
#include <map>

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/followup_config_loader.h"
#include "channels/connector_factory.h"
#include "channels/email_connector.h"
#include "app/plain_language_config.h"
#include "channels/webhook_connector.h"
#include "app/safety_net_config.h"
#include "core/text_encoding.h"

namespace outreach::app {

core::Result<core::Millis> parse_config_duration(const std::string& text, const std::string& field) {
  const auto digits_only = [](const std::string& d) {
    return !d.empty() && d.size() <= 15 && std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  if (text.size() >= 3 && text.ends_with("ms") && digits_only(text.substr(0, text.size() - 2)))
    return core::Millis(std::stoll(text.substr(0, text.size() - 2)));
  if (text.size() >= 2) {
    char unit = text.back();
    std::string digits = text.substr(0, text.size() - 1);
    if (std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
      long long n = std::stoll(digits);
      switch (unit) {
        case 's': return core::Millis(n * 1000);
        case 'm': return core::Millis(n * 60'000);
        case 'h': return core::Millis(n * 3'600'000);
        case 'd': return core::Millis(n * 86'400'000);
        default: break;
      }
    }
  }
  return core::Error::invalid("expected a duration such as 250ms, 30s, 5m, 24h or 4d, got '" + text + "'", field);
}

namespace {

core::Result<std::string> resolve_env(const std::string& value, const std::string& field) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    auto start = value.find("${", i);
    if (start == std::string::npos) {
      out += value.substr(i);
      break;
    }
    auto end = value.find('}', start);
    if (end == std::string::npos) return core::Error::invalid("unterminated ${", field);
    out += value.substr(i, start - i);
    std::string name = value.substr(start + 2, end - start - 2);
    const char* env = std::getenv(name.c_str());
    if (!env) return core::Error::invalid("environment variable " + name + " is not set", field);
    out += env;
    i = end + 1;
  }
  return out;
}

std::string at(const std::string& path, const YAML::Node& n, const std::string& field) {
  return path + ":" + std::to_string(n.Mark().line + 1) + ": " + field;
}

// Every name and value of the file as yaml-cpp gave it, escapes read: an escape can write what the
// file's own bytes may not (a control character with \e, bytes that are not UTF-8 with \N), and
// these values become sender names, digest texts, URLs and log lines. The first is named by line.
core::Status check_values(const YAML::Node& n, const std::string& path, const std::string& field) {
  if (n.IsScalar()) {
    if (auto fault = core::check_yaml_value(n.Scalar())) {
      return core::Error::invalid(*fault, at(path, n, field.empty() ? "(top)" : field));
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (auto st = check_values(n[i], path, field + "[" + std::to_string(i) + "]"); !st) return st;
    }
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      // A name that fails the check is not echoed into the error it causes.
      const bool plain = kv.first.IsScalar() && !core::check_yaml_value(kv.first.Scalar());
      const std::string name = plain ? kv.first.Scalar() : "?";
      const std::string child = field.empty() ? name : field + "." + name;
      if (auto st = check_values(kv.first, path, child); !st) return st;
      if (auto st = check_values(kv.second, path, child); !st) return st;
    }
  }
  return {};
}

// A provider block with its ${VAR}s resolved.
core::Result<channels::ProviderSettings> provider_block(const YAML::Node& root, const std::string& provider,
                                                        const std::string& path) {
  channels::ProviderSettings settings;
  settings.provider = provider;
  for (const auto& s : root["providers"][provider]) {
    std::string key = s.first.as<std::string>();
    auto v = resolve_env(s.second.as<std::string>(), at(path, s.second, "providers." + provider + "." + key));
    if (!v) return v.error();
    if (key == "base_url") settings.base_url = *v; else settings.values[key] = *v;
  }
  return settings;
}

core::Result<std::vector<std::string>> string_list(const YAML::Node& n, const std::string& field,
                                                   const std::string& path) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) return core::Error::invalid("expected a list", at(path, n, field));
  for (const auto& v : n) out.push_back(v.as<std::string>());
  return out;
}

// `intermediaries:` (read only when a channel uses provider intermediary): key -> name, delivery
// (webhook | email), webhook_url or email, secret, serves {municipalities, regions, languages}.
core::Status load_intermediaries(const YAML::Node& root, const std::string& path, engine::EngineConfig& e) {
  const YAML::Node list = root["intermediaries"];
  if (!list || !list.IsMap() || list.size() == 0)
    return core::Error::invalid("provider intermediary needs at least one entry under intermediaries", path + ": intermediaries");
  bool any_email = false;
  for (const auto& kv : list) {
    engine::IntermediaryConfig i;
    i.settings.key = kv.first.as<std::string>();
    const std::string field = "intermediaries." + i.settings.key;
    const YAML::Node& n = kv.second;
    for (auto [key, target] : {std::pair<const char*, std::string*>{"name", &i.settings.name},
                               {"webhook_url", &i.settings.webhook_url}, {"email", &i.settings.email},
                               {"secret", &i.settings.secret}}) {
      if (!n[key]) continue;
      auto v = resolve_env(n[key].as<std::string>(), at(path, n[key], field + "." + key));
      if (!v) return v.error();
      *target = *v;
    }
    if (i.settings.name.empty()) i.settings.name = i.settings.key;
    const std::string delivery = n["delivery"] ? n["delivery"].as<std::string>() : "webhook";
    if (delivery != "webhook" && delivery != "email")
      return core::Error::invalid("expected webhook or email, got '" + delivery + "'", at(path, n, field + ".delivery"));
    i.settings.delivery = delivery == "email" ? channels::IntermediaryDelivery::email : channels::IntermediaryDelivery::webhook;
    any_email = any_email || delivery == "email";
    if (auto urn = core::Urn::parse("intermediary:" + i.settings.key); !urn)
      return core::Error::invalid(urn.error().message, at(path, n, field));
    auto valid = channels::validate_intermediary_settings(std::move(i.settings));
    if (!valid) return valid.error().within(at(path, n, field));
    i.settings = std::move(*valid);
    if (const YAML::Node serves = n["serves"]) {
      for (auto [key, target] : {std::pair<const char*, std::vector<std::string>*>{"municipalities", &i.municipalities},
                                 {"regions", &i.regions}, {"languages", &i.languages}}) {
        auto values = string_list(serves[key], field + ".serves." + key, path);
        if (!values) return values.error();
        *target = std::move(*values);
      }
    }
    e.intermediaries.push_back(std::move(i));
  }
  if (any_email) {
    if (!root["providers"] || !root["providers"]["smtp"])
      return core::Error::invalid("intermediaries with delivery email need providers.smtp", path + ": intermediaries");
    auto block = provider_block(root, "smtp", path);
    if (!block) return block.error();
    auto smtp = channels::email_settings_from(*block);
    if (!smtp) return smtp.error().within(path);
    e.digest_smtp = std::move(*smtp);
  }
  if (const YAML::Node d = root["engine"]["digest"]) {
    if (d["linger"]) {
      auto linger = parse_config_duration(d["linger"].as<std::string>(), at(path, d["linger"], "engine.digest.linger"));
      if (!linger) return linger.error();
      e.digest.linger = *linger;
    }
    if (d["max_people"]) e.digest.max_people = d["max_people"].as<std::size_t>();
    if (e.digest.max_people == 0) return core::Error::invalid("must be at least 1", at(path, d, "engine.digest.max_people"));
  }
  // People wait in an open digest while their rows are `sending`: the lease must outlast that wait.
  if (e.digest.linger * 2 > e.lease)
    return core::Error::invalid("must be at most half of engine.lease (" + std::to_string(e.lease.count() / 1000) + " s)",
                                path + ": engine.digest.linger");
  return {};
}

}  // namespace

namespace {

// `keywords: <file>` (relative to this configuration file's folder; without it the built-in
// config/keywords.yaml, engine/keywords.h) and `error_reports: {sla_hours, notify}`, where notify
// names an entry of `notifications`.
core::Status load_listening_back(const YAML::Node& root, const std::string& path, engine::EngineConfig& e) {
  if (auto k = root["keywords"]) {
    std::filesystem::path file = k.as<std::string>();
    if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
    std::ifstream in(file);
    if (!in) return core::Error::invalid("cannot read " + file.string(), at(path, k, "keywords"));
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = engine::parse_keywords(text.str(), file.string());
    if (!parsed) return parsed.error();
    e.keywords = std::move(*parsed);
  }
  if (auto er = root["error_reports"]) {
    if (auto h = er["sla_hours"]) {
      const int hours = h.as<int>();
      if (hours < 1 || hours > 24 * 60) return core::Error::invalid("expected 1 to 1440 hours", at(path, h, "error_reports.sla_hours"));
      e.error_reports.sla_hours = hours;
    }
    if (auto n = er["notify"]) {
      e.error_reports.notify_owner = n.as<std::string>();
      if (!e.owner_notifications.count(e.error_reports.notify_owner)) {
        return core::Error::invalid("no entry '" + e.error_reports.notify_owner + "' under notifications",
                                    at(path, n, "error_reports.notify"));
      }
    }
  }
  return {};
}

}  // namespace

core::Result<AppConfig> load_config(const std::string& path) {
  AppConfig cfg;
  cfg.engine = engine::sandbox_config();
  if (!std::filesystem::exists(path)) return cfg;
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (auto fault = core::check_yaml_text(text, "configuration file")) {
    return core::Error::invalid(fault->message, fault->where(path));
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return core::Error::invalid(e.msg, path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1));
  }
  if (auto st = check_values(root, path, ""); !st) return st.error();
  auto where = [&](const YAML::Node& n, const std::string& field) {
    return path + ":" + std::to_string(n.Mark().line + 1) + ": " + field;
  };
  try {
    if (root["database"]) cfg.database = root["database"].as<std::string>();
    if (auto m = root["database_max_size"]) {
      // "123", "800KB", "512MB", "20GB" (powers of 1024).
      const std::string text = m.as<std::string>();
      std::size_t digits = 0;
      while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
      std::string unit = text.substr(digits);
      while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
      const std::map<std::string, std::int64_t> units{{"", 1}, {"B", 1}, {"KB", 1024}, {"MB", 1024 * 1024},
                                                      {"GB", 1024LL * 1024 * 1024}};
      auto u = units.find(unit);
      if (digits == 0 || digits > 12 || u == units.end())
        return core::Error::invalid("expected a size like 512MB or 20GB (KB, MB, GB), got '" + text + "'",
                                    where(m, "database_max_size"));
      cfg.database_max_bytes = std::stoll(text.substr(0, digits)) * u->second;
    }
    if (root["secret_file"]) cfg.secret_file = root["secret_file"].as<std::string>();
    if (auto proxies = root["trusted_proxies"]) {
      if (!proxies.IsSequence())
        return core::Error::invalid("expected a list of addresses, e.g. [127.0.0.1]", where(proxies, "trusted_proxies"));
      for (const auto& p : proxies) cfg.trusted_proxies.push_back(p.as<std::string>());
    }
    if (root["public_base_url"]) cfg.engine.public_base_url = root["public_base_url"].as<std::string>();
    auto& e = cfg.engine;
    if (auto eng = root["engine"]) {
      if (eng["claim_batch"]) e.claim_batch = eng["claim_batch"].as<int>();
      if (eng["wire_thread"]) e.wire_thread = eng["wire_thread"].as<bool>();
      if (eng["lease"]) {
        auto d = parse_config_duration(eng["lease"].as<std::string>(), where(eng["lease"], "engine.lease"));
        if (!d) return d.error();
        e.lease = *d;
      }
      if (auto f = eng["frequency_cap"]) {
        if (f["messages"]) e.frequency_cap_messages = f["messages"].as<std::size_t>();
        if (f["per"]) {
          auto d = parse_config_duration(f["per"].as<std::string>(), where(f["per"], "engine.frequency_cap.per"));
          if (!d) return d.error();
          e.frequency_cap_window = *d;
        }
      }
      if (auto r = eng["retry"]) {
        for (auto [key, target] : {std::pair<const char*, core::Millis*>{"base", &e.retry.base}, {"cap", &e.retry.cap}}) {
          if (!r[key]) continue;
          auto d = parse_config_duration(r[key].as<std::string>(), where(r[key], std::string("engine.retry.") + key));
          if (!d) return d.error();
          *target = *d;
        }
        if (r["max_attempts"]) e.retry.max_attempts = r["max_attempts"].as<int>();
      }
      if (auto c = eng["circuit"]) {
        if (c["failures"]) e.circuit.failure_threshold = c["failures"].as<int>();
        if (c["cool_down"]) {
          auto d = parse_config_duration(c["cool_down"].as<std::string>(), where(c["cool_down"], "engine.circuit.cool_down"));
          if (!d) return d.error();
          e.circuit.cool_down = *d;
        }
      }
    }
    if (auto a = root["assignments"]) {
      if (a["cap"]) {
        e.assignment_cap = a["cap"].as<int>();
        if (e.assignment_cap < 1) return core::Error::invalid("expected at least 1", where(a["cap"], "assignments.cap"));
      }
      if (a["expire_after"]) {
        auto d = parse_config_duration(a["expire_after"].as<std::string>(),
                                       where(a["expire_after"], "assignments.expire_after"));
        if (!d) return d.error();
        e.assignment_ttl = *d;
      }
    }
    if (auto c = root["cases"]) {
      if (c["sla_working_days"]) e.case_sla_working_days = c["sla_working_days"].as<int>();
      if (c["hub_sla_working_days"]) e.hub_sla_working_days = c["hub_sla_working_days"].as<int>();
      if (c["national_fallback"]) e.national_fallback = c["national_fallback"].as<std::string>();
      if (auto every = c["escalation_check_interval"]) {
        const std::string field = where(every, "cases.escalation_check_interval");
        auto d = parse_config_duration(every.as<std::string>(), field);
        if (!d) return d.error();
        if (*d < std::chrono::milliseconds(100) || *d > std::chrono::hours(1))
          return core::Error::invalid("expected a duration from 100ms to 1h, got '" + every.as<std::string>() + "'", field);
        e.escalation_check_interval = *d;
      }
    }
    if (auto f = root["followup"]) {
      if (auto st = load_followup_config(f, path, e.followup); !st) return st.error();
    }
    if (auto st = load_plain_language(root["plain_language"], path, e.plain_language); !st) return st.error();
    if (auto chans = root["channels"]) {
      e.channels.clear();
      for (const auto& kv : chans) {
        engine::ChannelConfig ch;
        ch.name = kv.first.as<std::string>();
        const auto& n = kv.second;
        auto scheme = core::parse_urn_scheme(n["scheme"] ? n["scheme"].as<std::string>() : "");
        if (!scheme) return scheme.error().within(where(n, "channels." + ch.name + ".scheme"));
        ch.scheme = *scheme;
        ch.provider = n["provider"] ? n["provider"].as<std::string>() : "sandbox";
        double rate = n["rate"] ? n["rate"].as<double>() : 10;
        if (rate <= 0) return core::Error::invalid("rate must be positive", where(n, "channels." + ch.name + ".rate"));
        ch.rate = engine::RateLimit{rate, std::max(1.0, rate)};
        if (n["max_in_flight"]) ch.max_in_flight = n["max_in_flight"].as<std::size_t>();
        if (ch.provider == "intermediary") {
          if (ch.scheme != core::UrnScheme::intermediary)
            return core::Error::invalid("provider intermediary needs scheme intermediary", where(n, "channels." + ch.name + ".scheme"));
          // The intermediaries are one set of organisations: one channel reaches them.
          if (!e.intermediaries.empty())
            return core::Error::invalid("only one channel can use provider intermediary", where(n, "channels." + ch.name + ".provider"));
          if (auto st = load_intermediaries(root, path, e); !st) return st.error();
          ch.account = "intermediary:" + ch.name;
        } else if (ch.provider != "sandbox") {
          if (!root["providers"] || !root["providers"][ch.provider]) return core::Error::invalid("provider '" + ch.provider + "' is not configured under providers", where(n, "channels." + ch.name + ".provider"));
          auto settings = provider_block(root, ch.provider, path);
          if (!settings) return settings.error();
          ch.settings = std::move(*settings);
          ch.account = ch.provider + ":" + ch.settings.get("account_sid", ch.settings.get("phone_number_id", ch.name));
        } else {
          ch.account = "sandbox:" + ch.name;
        }
        e.channels[ch.name] = std::move(ch);
      }
    }
    // RFC 8058 one-click unsubscribe needs an https link in every e-mail: refuse at load what the
    // e-mail connector would refuse at every send. http is allowed only on a loopback address.
    for (const auto& [name, ch] : e.channels) {
      if (ch.provider != "smtp" || channels::unsubscribe_url_allowed(e.public_base_url)) continue;
      const std::string field = root["public_base_url"] ? where(root["public_base_url"], "public_base_url")
                                                        : path + ": public_base_url";
      return core::Error::invalid("must be an https:// URL when channel " + name +
                                      " sends e-mail (RFC 8058 one-click unsubscribe links); http:// only on a "
                                      "loopback address, got '" + e.public_base_url + "'",
                                  field);
    }
    if (auto a = root["audit"]) {
      if (a["checkpoint_file"]) cfg.audit.file = a["checkpoint_file"].as<std::string>();
      if (a["checkpoint_every"]) {
        auto d = parse_config_duration(a["checkpoint_every"].as<std::string>(),
                                       where(a["checkpoint_every"], "audit.checkpoint_every"));
        if (!d) return d.error();
        cfg.audit.every = *d;
      }
      if (a["syslog"]) cfg.audit.syslog = a["syslog"].as<bool>();
    }
    // The reply/bounce mailbox: optional; its password may be a ${VAR} like a provider's keys.
    if (auto m = root["imap"]) {
      channels::ImapSettings imap;
      for (auto [key, target] : {std::pair<const char*, std::string*>{"url", &imap.url}, {"mailbox", &imap.mailbox},
                                 {"username", &imap.username}, {"password", &imap.password}}) {
        if (!m[key]) continue;
        auto v = resolve_env(m[key].as<std::string>(), where(m[key], std::string("imap.") + key));
        if (!v) return v.error();
        *target = *v;
      }
      if (m["starttls"]) imap.starttls = m["starttls"].as<bool>();
      if (m["timeout"]) {
        auto d = parse_config_duration(m["timeout"].as<std::string>(), where(m["timeout"], "imap.timeout"));
        if (!d) return d.error();
        imap.timeout = *d;
      }
      if (m["poll"]) {
        auto d = parse_config_duration(m["poll"].as<std::string>(), where(m["poll"], "imap.poll"));
        if (!d) return d.error();
        e.imap_poll = *d;
      }
      auto valid = channels::validate_imap_settings(std::move(imap));
      if (!valid) return valid.error().within(path + ":" + std::to_string(m.Mark().line + 1));
      e.imap = std::move(*valid);
    }
    // Escalation notifications to a case's new owner, keyed by owner code (GM0599, national);
    // optional; secrets may be ${VAR}s. Checked like any webhook (https, secret of 16+ bytes).
    if (auto notes = root["notifications"]) {
      for (const auto& o : notes) {
        const std::string code = o.first.as<std::string>();
        const std::string field = "notifications." + code;
        engine::OwnerNotification n;
        for (auto [key, target] : {std::pair<const char*, std::string*>{"webhook_url", &n.webhook_url},
                                   {"secret", &n.secret}}) {
          if (!o.second[key]) return core::Error::invalid(std::string(key) + " is required", where(o.second, field));
          auto v = resolve_env(o.second[key].as<std::string>(), where(o.second[key], field + "." + key));
          if (!v) return v.error();
          *target = *v;
        }
        if (o.second["dedupe"]) n.dedupe = o.second["dedupe"].as<bool>();
        channels::WebhookSettings s;
        s.name = code;
        s.url = n.webhook_url;
        s.secret = n.secret;
        if (auto valid = channels::validate_webhook_settings(std::move(s)); !valid)
          return valid.error().within(where(o.second, field));
        e.owner_notifications[code] = std::move(n);
      }
    }
    if (auto st = load_listening_back(root, path, e); !st) return st.error();
    if (auto st = parse_scorecard_and_safety_net(root, path, e); !st) return st.error();
  } catch (const YAML::Exception& ex) {
    return core::Error::invalid(ex.msg, path + ":" + std::to_string(ex.mark.line + 1));
  }
  return cfg;
}

}  // namespace outreach::app
