#pragma once
// The campaign funnel (services::CampaignViews::funnel) as bar charts: one chart per step, one
// group per municipality and channel, four bars per group (all messages, sent, delivered, read),
// each named in text. A step with more than `max_groups` groups (a national campaign reaches
// hundreds of municipalities) shows the largest by messages, in name order, and one more group
// that adds up the rest ("12 other municipalities"); the table beside it has every row. Pure; the
// words come from the caller (the page's language).

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
  std::string others = "andere gemeenten en kanalen";  // "<n> " + others
};

inline constexpr std::size_t kFunnelChartGroups = 12;

std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, const FunnelChartText& words,
                                    std::size_t max_groups = kFunnelChartGroups);

}  // namespace outreach::web
