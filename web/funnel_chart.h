#pragma once
// The campaign funnel (services::CampaignViews::funnel) as bar charts: one chart per step, one
// group per municipality and channel, four bars per group (all messages, sent, delivered, read),
// each named in text. Pure; the words come from the caller (the page's language).

#include <string>
#include <vector>

#include "services/campaign_views.h"
#include "web/bar_chart.h"

namespace outreach::web {

struct FunnelChartText {
  std::string total = "totaal";
  std::string sent = "verzonden";
  std::string delivered = "afgeleverd";
  std::string read = "gelezen";
  std::string no_channel = "nog geen kanaal";
  std::string title = "Trechter van stap";  // + " 1 (step-id)"
  std::string description;
  std::string empty = "Nog geen berichten in deze stap";
};

std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, const FunnelChartText& words);

}  // namespace outreach::web
