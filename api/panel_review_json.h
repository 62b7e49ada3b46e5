#pragma once
// The parent panel's review of a campaign as JSON: {"required": bool, "items": [{"reviewer",
// "version", "comment", "at"}]}. Used by GET /v1/campaigns/{key}/reviews and the campaign status,
// where the approver reads it before approving.

#include <nlohmann/json.hpp>

#include "services/panel_reviews.h"

namespace outreach::api {

nlohmann::json panel_review_json(const services::PanelReviewState& s);

}  // namespace outreach::api
