#include "campaigns/contactability.h"

namespace outreach::campaigns {
namespace {

bool is_share_purpose(const std::string& purpose) { return purpose.rfind("share:", 0) == 0; }

bool granted_anywhere(const PersonFacts& p, const std::string& purpose) {
  auto it = p.consent.find(purpose);
  if (it == p.consent.end()) return false;
  for (const auto& [channel, latest] : it->second.latest) {
    if (it->second.granted(channel)) return true;
  }
  return false;
}

bool granted_on(const PersonFacts& p, const std::string& purpose, const std::string& channel) {
  auto it = p.consent.find(purpose);
  return it != p.consent.end() && it->second.granted(channel);
}

// A withdrawal on `channel` is lifted by a later grant on '*' (START to everything); a withdrawal
// on '*' by a later grant on any channel (the person asked for that channel again).
bool lifted(const storage::ConsentState& state, const std::string& channel, std::int64_t withdrawal_id) {
  for (const auto& [other, latest] : state.latest) {
    if (latest.second != storage::ConsentAction::grant || latest.first < withdrawal_id) continue;
    if (channel == "*" || other == "*") return true;
  }
  return false;
}

}  // namespace

const char* to_string(Use u) {
  switch (u) {
    case Use::message: return "message";
    case Use::hand_to_volunteer: return "hand_to_volunteer";
    case Use::hand_to_intermediary: return "hand_to_intermediary";
    case Use::list_for_municipality: return "list_for_municipality";
    case Use::export_list: return "export_list";
    case Use::preview: return "preview";
  }
  return "?";
}

const char* to_string(Refusal r) {
  switch (r) {
    case Refusal::none: return "none";
    case Refusal::erased: return "erased";
    case Refusal::do_not_contact: return "do_not_contact";
    case Refusal::suppressed: return "suppressed";
    case Refusal::error_report: return "error_report";
    case Refusal::stopped: return "stopped";
    case Refusal::no_consent: return "no_consent";
    case Refusal::out_of_scope: return "out_of_scope";
  }
  return "?";
}

Refusal blocked(const PersonFacts& person) {
  if (person.erased) return Refusal::erased;
  if (person.do_not_contact) return Refusal::do_not_contact;
  if (person.suppressed) return Refusal::suppressed;
  if (person.error_report) return Refusal::error_report;
  for (const auto& [purpose, state] : person.consent) {
    if (is_share_purpose(purpose)) continue;
    for (const auto& [channel, latest] : state.latest) {
      if (latest.second == storage::ConsentAction::withdraw && !lifted(state, channel, latest.first)) {
        return Refusal::stopped;
      }
    }
  }
  return Refusal::none;
}

Verdict decide(const PersonFacts& person, const Ask& ask) {
  if (Refusal r = blocked(person); r != Refusal::none) return {r};
  bool consent = false;
  switch (ask.use) {
    case Use::message:
    case Use::preview:
      consent = ask.channel == "intermediary" ? granted_anywhere(person, "peer-contact")
                                              : granted_on(person, ask.purpose, ask.channel);
      break;
    case Use::hand_to_volunteer:
    case Use::hand_to_intermediary:
      consent = granted_anywhere(person, "peer-contact");
      break;
    case Use::list_for_municipality:
    case Use::export_list:
      consent = granted_anywhere(person, "share:" + ask.municipality);
      break;
  }
  return {consent ? Refusal::none : Refusal::no_consent};
}

}  // namespace outreach::campaigns
