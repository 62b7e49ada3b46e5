#include "app/safety_net_config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "app/config_loader.h"
#include "engine/engine_config.h"

namespace outreach::app {

namespace {

struct Where {
  const std::string& path;
  std::string operator()(const YAML::Node& n, const std::string& field) const {
    return path + ":" + std::to_string(n.Mark().line + 1) + ": " + field;
  }
};

core::Status known_keys(const YAML::Node& n, std::initializer_list<const char*> keys, const std::string& field,
                        const Where& where) {
  if (!n.IsMap()) return core::Error::invalid("expected a mapping", where(n, field));
  const std::set<std::string> ok(keys.begin(), keys.end());
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!ok.count(key)) return core::Error::invalid("unknown key '" + key + "'", where(kv.first, field));
  }
  return {};
}

core::Result<engine::RouteTo> route_to(const YAML::Node& n, const std::string& field, const Where& where) {
  const std::string v = n.as<std::string>();
  if (v == "none") return engine::RouteTo::none;
  if (v == "hub") return engine::RouteTo::hub;
  if (v == "fallback") return engine::RouteTo::fallback;
  return core::Error::invalid("expected none, hub or fallback, got '" + v + "'", where(n, field));
}

core::Status duration(const YAML::Node& n, const std::string& field, const Where& where, core::Millis& out) {
  auto d = parse_config_duration(n.as<std::string>(), where(n, field));
  if (!d) return d.error();
  if (d->count() <= 0) return core::Error::invalid("expected a positive duration", where(n, field));
  out = *d;
  return {};
}

// n[key], when present, into `out`; at least `min`.
core::Status whole_number(const YAML::Node& n, const char* key, int min, const std::string& field, const Where& where,
                          int& out) {
  if (!n[key]) return {};
  out = n[key].as<int>();
  if (out < min)
    return core::Error::invalid(min == 0 ? "expected 0 (off) or more" : "expected at least " + std::to_string(min),
                                where(n[key], field + "." + key));
  return {};
}

// n["route_to"], when present, into `out`.
core::Status route_field(const YAML::Node& n, const std::string& field, const Where& where, engine::RouteTo& out) {
  if (!n["route_to"]) return {};
  auto rt = route_to(n["route_to"], field + ".route_to", where);
  if (!rt) return rt.error();
  out = *rt;
  return {};
}

// Overrides the fields `n` names in `rules` (which start as the defaults).
core::Status rules_block(const YAML::Node& n, const std::string& field, const Where& where, engine::SafetyNetRules& rules) {
  if (auto st = known_keys(n, {"unacknowledged_past_sla", "no_active_outreach"}, field, where); !st) return st;
  if (auto u = n["unacknowledged_past_sla"]) {
    const std::string f = field + ".unacknowledged_past_sla";
    if (auto st = known_keys(u, {"enabled", "window", "min_count", "min_share", "min_due", "route_to"}, f, where); !st)
      return st;
    auto& r = rules.unacknowledged;
    if (u["enabled"]) r.enabled = u["enabled"].as<bool>();
    if (u["window"]) {
      if (auto st = duration(u["window"], f + ".window", where, r.window); !st) return st;
    }
    if (auto st = whole_number(u, "min_count", 0, f, where, r.min_count); !st) return st;
    if (u["min_share"]) {
      r.min_share = u["min_share"].as<double>();
      if (!(r.min_share > 0 && r.min_share <= 1))
        return core::Error::invalid("expected a share in (0, 1]", where(u["min_share"], f + ".min_share"));
    }
    if (auto st = whole_number(u, "min_due", 1, f, where, r.min_due); !st) return st;
    if (auto st = route_field(u, f, where, r.route); !st) return st;
  }
  if (auto o = n["no_active_outreach"]) {
    const std::string f = field + ".no_active_outreach";
    if (auto st = known_keys(o, {"enabled", "quiet_for", "min_people", "route_to"}, f, where); !st) return st;
    auto& r = rules.no_outreach;
    if (o["enabled"]) r.enabled = o["enabled"].as<bool>();
    if (o["quiet_for"]) {
      if (auto st = duration(o["quiet_for"], f + ".quiet_for", where, r.quiet_for); !st) return st;
    }
    if (auto st = whole_number(o, "min_people", 1, f, where, r.min_people); !st) return st;
    if (auto st = route_field(o, f, where, r.route); !st) return st;
  }
  return {};
}

}  // namespace

core::Status parse_scorecard_and_safety_net(const YAML::Node& root, const std::string& path, engine::EngineConfig& e) {
  const Where where{path};
  if (auto s = root["scorecards"]) {
    if (auto st = known_keys(s, {"small_count_threshold"}, "scorecards", where); !st) return st;
    if (s["small_count_threshold"]) {
      e.scorecards.small_count_threshold = s["small_count_threshold"].as<int>();
      if (e.scorecards.small_count_threshold < 1)
        return core::Error::invalid("expected at least 1 (1 suppresses nothing)",
                                    where(s["small_count_threshold"], "scorecards.small_count_threshold"));
    }
  }
  auto n = root["safety_net"];
  if (!n) return {};
  auto& cfg = e.safety_net;
  if (auto st = known_keys(n, {"enabled", "every", "defaults", "regions", "delegated"}, "safety_net", where); !st)
    return st;
  if (n["enabled"]) cfg.enabled = n["enabled"].as<bool>();
  if (n["every"]) {
    if (auto st = duration(n["every"], "safety_net.every", where, cfg.every); !st) return st;
  }
  if (n["defaults"]) {
    if (auto st = rules_block(n["defaults"], "safety_net.defaults", where, cfg.defaults); !st) return st;
  }
  if (auto regions = n["regions"]) {
    for (const auto& kv : regions) {
      const std::string code = kv.first.as<std::string>();
      engine::SafetyNetRules rules = cfg.defaults;
      if (auto st = rules_block(kv.second, "safety_net.regions." + code, where, rules); !st) return st;
      cfg.regions[code] = rules;
    }
  }
  if (auto d = n["delegated"]) {
    if (!d.IsSequence()) return core::Error::invalid("expected a list of CBS codes", where(d, "safety_net.delegated"));
    for (const auto& code : d) {
      const std::string c = code.as<std::string>();
      if (c.size() != 6 || c.rfind("GM", 0) != 0)
        return core::Error::invalid("expected a CBS code such as GM0489, got '" + c + "'", where(code, "safety_net.delegated"));
      cfg.delegated.push_back(c);
    }
  }
  return {};
}

}  // namespace outreach::app
