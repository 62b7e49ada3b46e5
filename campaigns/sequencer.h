#pragma once
// Timing rules of a campaign's steps, as pure functions the engine's scheduler calls.
//  - A step is due `after` its previous step was sent (the first step: after the launch).
//  - A step with `unless: responded` is skipped when the contact responded after the launch.
//  - A message not sent by due + expires_after expires (stale sends are worse than none).

#include <optional>

#include "campaigns/campaign.h"
#include "core/clock.h"

namespace outreach::campaigns {

// previous_send: when the previous step was sent to this contact, or the launch for step 0.
core::TimePoint due_at(const Step& step, core::TimePoint previous_send);

// responded_at: the contact's latest response to this campaign, if any.
bool must_skip(const Step& step, std::optional<core::TimePoint> responded_at,
               core::TimePoint launched_at);

// Nothing when the step never expires.
std::optional<core::TimePoint> expires_at(const Step& step, core::TimePoint due);

// Whether a message of `step` due at `due` may no longer be sent at `now`.
bool is_expired(const Step& step, core::TimePoint due, core::TimePoint now);

}  // namespace outreach::campaigns
