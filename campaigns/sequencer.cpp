#include "campaigns/sequencer.h"

namespace outreach::campaigns {

core::TimePoint due_at(const Step& step, core::TimePoint previous_send) {
  return previous_send + step.after;
}

bool must_skip(const Step& step, std::optional<core::TimePoint> responded_at,
               core::TimePoint launched_at) {
  return step.unless_responded && responded_at.has_value() && *responded_at >= launched_at;
}

std::optional<core::TimePoint> expires_at(const Step& step, core::TimePoint due) {
  if (!step.expires_after) return std::nullopt;
  return due + *step.expires_after;
}

bool is_expired(const Step& step, core::TimePoint due, core::TimePoint now) {
  const auto until = expires_at(step, due);
  return until.has_value() && now >= *until;
}

}  // namespace outreach::campaigns
