#pragma once
// How the engine asks people, once per case, whether they feel helped (engine/followup_job.h), and
// what it does with the answer (engine/followup_answers.h). Part of EngineConfig (`followup`), read
// from the `followup:` block of outreach.yaml (README: Follow-ups, where each default is explained).

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"

namespace outreach::engine {

struct FollowupConfig {
  bool enabled = true;
  // Asked this long after the case was closed: the help has had a day to land, the memory is fresh.
  core::Millis after_close{std::chrono::hours(24)};
  // Also asked when a case was acknowledged this many days ago without progress (still only
  // "acknowledged"); 0 turns it off. Off by default: municipalities agree the number first.
  int stalled_after_days = 0;
  // A score at or below this reopens the case for the municipality (1 = not at all ... 5 = very much).
  int reopen_at_or_below = 2;
  // Also tell the region's hub (its CBS code must have a notification configured) about a reopen.
  bool copy_hub = false;
  // The consent the question needs, on the channel it goes out on, like a campaign's purpose.
  std::string consent_purpose = "outreach";
  std::string sender = "Herstelteam";  // named in every question (Telecommunicatiewet art. 11.7)
  std::string reply_number;            // where STOP and the answer go; empty: "Stuur STOP." alone
  // When questions may go out: local time, like a campaign's send_window.
  std::string send_days = "mon-sat";
  std::string send_hours = "09:00-20:00";
  std::string timezone = "Europe/Amsterdam";
  // A reply this long after the question is no longer taken as its answer.
  core::Millis answer_window{std::chrono::hours(24 * 14)};
  // Words that make a reply a complaint (reopens whatever the score), matched case- and
  // accent-insensitively anywhere in the reply.
  std::vector<std::string> complaint_words = {"klacht", "klagen", "niet geholpen", "complaint", "not helped"};
  // language -> question text (Mustache: {{sender}}, {{municipality_name}}, {{handler_name}},
  // {{reply_number}}); nl and en are built in, these add languages or replace them.
  std::map<std::string, std::string> templates;
  int batch = 100;  // follow-ups handled per run
};

}  // namespace outreach::engine
