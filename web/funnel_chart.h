#pragma once
// The campaign funnel (services::CampaignViews::funnel) as bar charts: one chart per step, one
// group per municipality and channel, four bars per group (all messages, sent, delivered, read),
// each named in text. Pure.

#include <vector>

#include "services/campaign_views.h"
#include "web/bar_chart.h"

namespace outreach::web {

// `english` false: Dutch labels (the first language of the pages).
std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, bool english);

}  // namespace outreach::web
