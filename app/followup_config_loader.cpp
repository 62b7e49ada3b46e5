#include "app/followup_config_loader.h"

#include <yaml-cpp/yaml.h>

#include "app/config_loader.h"
#include "engine/followup_message.h"
#include "engine/policy/send_window.h"

namespace outreach::app {

core::Status load_followup_config(const YAML::Node& node, const std::string& path, engine::FollowupConfig& out) {
  auto where = [&](const YAML::Node& n, const std::string& field) {
    return path + ":" + std::to_string(n.Mark().line + 1) + ": followup." + field;
  };
  static const char* kKeys[] = {"enabled",       "after_close", "stalled_after_days", "reopen_at_or_below",
                                "copy_hub",      "consent_purpose", "sender",         "reply_number",
                                "send_window",   "answer_window", "complaint_words",  "templates", "batch"};
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return core::Error::invalid("unknown key", where(kv.first, key));
    }
  }
  if (node["enabled"]) out.enabled = node["enabled"].as<bool>();
  for (auto [key, target] : {std::pair<const char*, core::Millis*>{"after_close", &out.after_close},
                             {"answer_window", &out.answer_window}}) {
    if (!node[key]) continue;
    auto d = parse_config_duration(node[key].as<std::string>(), where(node[key], key));
    if (!d) return d.error();
    *target = *d;
  }
  if (auto n = node["stalled_after_days"]) {
    out.stalled_after_days = n.as<int>();
    if (out.stalled_after_days < 0) return core::Error::invalid("expected 0 (off) or more days", where(n, "stalled_after_days"));
  }
  if (auto n = node["reopen_at_or_below"]) {
    out.reopen_at_or_below = n.as<int>();
    if (out.reopen_at_or_below < 0 || out.reopen_at_or_below > 4) {
      return core::Error::invalid("expected 0 (never) to 4", where(n, "reopen_at_or_below"));
    }
  }
  if (node["copy_hub"]) out.copy_hub = node["copy_hub"].as<bool>();
  if (node["consent_purpose"]) out.consent_purpose = node["consent_purpose"].as<std::string>();
  if (node["sender"]) out.sender = node["sender"].as<std::string>();
  if (node["reply_number"]) out.reply_number = node["reply_number"].as<std::string>();
  if (auto w = node["send_window"]) {
    if (w["days"]) {
      if (w["days"].IsSequence()) {
        std::string days;
        for (const auto& d : w["days"]) days += (days.empty() ? "" : ",") + d.as<std::string>();
        out.send_days = days;
      } else {
        out.send_days = w["days"].as<std::string>();
      }
    }
    if (w["hours"]) out.send_hours = w["hours"].as<std::string>();
    if (w["timezone"]) out.timezone = w["timezone"].as<std::string>();
    if (auto parsed = engine::SendWindow::parse(out.timezone, out.send_days, out.send_hours); !parsed) {
      return parsed.error().within(where(w, "send_window"));
    }
  }
  if (auto n = node["complaint_words"]) out.complaint_words = n.as<std::vector<std::string>>();
  if (auto n = node["templates"]) {
    for (const auto& kv : n) out.templates[kv.first.as<std::string>()] = kv.second.as<std::string>();
    for (const auto& [lang, text] : out.templates) {
      (void)text;
      if (auto r = engine::followup_text(out, lang, "Rotterdam", "Fatima"); !r) return r.error().within(where(n, "templates"));
    }
  }
  if (auto n = node["batch"]) {
    out.batch = n.as<int>();
    if (out.batch < 1) return core::Error::invalid("expected at least 1", where(n, "batch"));
  }
  return {};
}

}  // namespace outreach::app
