#pragma once
// Small helpers the coordinator's and approver's pages share: the words for states and reasons,
// numbers as template data, and the campaign summary rows. web-internal.

#include <cstdint>
#include <string>
#include <vector>

#include "services/campaign_views.h"
#include "web/render.h"

namespace outreach::web {

// "draft" -> text(r, "state_draft"); an unknown state as itself.
std::string state_text(const PageRequest& r, const std::string& state);
// A lookup's or preview's reason code ("stopped") -> the sentence for it (reason_stopped).
std::string reason_text(const PageRequest& r, const std::string& code);
std::string num(std::int64_t n);
// A shown count, or "<threshold" when it is hidden.
std::string cell_text(const services::Cell& c, int threshold);
// The campaigns as rows for a table (key, name, href, state_text, version, author).
kainjow::mustache::list campaign_rows(const PageRequest& r, const std::vector<services::CampaignSummary>& list,
                                      const std::string& href_prefix);
// "/campaigns/<key>": keys are [a-z0-9-] (campaigns/campaign_parser.h), safe in a path.
std::string campaign_href(const std::string& key);

}  // namespace outreach::web
