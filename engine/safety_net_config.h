#pragma once
// The typed configuration of the municipality scorecards and the safety net (issue 12 parts 2
// and 3), parsed from outreach.yaml's `scorecards:` and `safety_net:` blocks by app/. Plain data.
// The defaults and why they are what they are: README, "The safety net".

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"

namespace outreach::engine {

struct ScorecardConfig {
  // Counts from 1 up to this minus one are shown as "<5" (suppressed); 0 and counts at or above it
  // are shown. 5 follows the usual practice of Dutch and European statistics offices for small
  // cells about people; it keeps a typical town's figures visible ("38 known, 5 responses").
  int small_count_threshold = 5;
};

// What a rule does when it holds for a municipality besides raising a flag.
enum class RouteTo { none, hub, fallback };
const char* to_string(RouteTo r);

// "A municipality that leaves cases unacknowledged past a threshold": of the cases opened for it
// in `window` whose SLA has come due, `min_count` or more missed it, or at least `min_share` of at
// least `min_due` did.
struct UnacknowledgedRule {
  bool enabled = true;
  core::Millis window{std::chrono::hours(24 * 28)};
  int min_count = 5;
  double min_share = 0.3;
  int min_due = 5;
  RouteTo route = RouteTo::hub;
};

// "No active outreach while people are known there": at least `min_people` people (not erased,
// not do-not-contact) known for `quiet_for`, and in that time no message sent to any of them, no
// contact log about them and no action on their cases.
struct NoOutreachRule {
  bool enabled = true;
  core::Millis quiet_for{std::chrono::hours(24 * 28)};
  int min_people = 1;
  RouteTo route = RouteTo::none;
};

struct SafetyNetRules {
  UnacknowledgedRule unacknowledged;
  NoOutreachRule no_outreach;
};

struct SafetyNetConfig {
  bool enabled = true;
  core::Millis every{std::chrono::hours(1)};  // how often the engine evaluates the rules
  SafetyNetRules defaults;                    // for municipalities in no configured region
  std::map<std::string, SafetyNetRules> regions;  // region code -> rules (the defaults, overridden)
  // Municipalities whose cases go to their regional hub from the start (a small municipality's
  // choice), applied once: taking the cases back ends it.
  std::vector<std::string> delegated;

  const SafetyNetRules& rules_for(const std::string& region) const {
    auto it = regions.find(region);
    return it == regions.end() ? defaults : it->second;
  }
};

}  // namespace outreach::engine
