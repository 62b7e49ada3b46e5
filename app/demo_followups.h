#pragma once
// The demo's "did it help?" part (issue 12 parts 1 and 5): `outreach demo` calls it once its cases
// exist. Rotterdam names a handler, closes its acknowledged cases, the engine asks each person one
// question a day later and their answers (some low) reopen cases with a notice and an audit record.

#include <ostream>

#include "core/clock.h"

namespace outreach::engine {
class InboundProcessor;
class Sender;
}

namespace outreach::app {

struct AppContext;

void demo_followups(AppContext& ctx, core::ManualClock& clock, engine::Sender& sandbox, engine::InboundProcessor& inbound,
                    std::ostream& out);

}  // namespace outreach::app
