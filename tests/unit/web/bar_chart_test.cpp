// The funnel chart drawn on the server: readable without colour, escaped, deterministic.
#include "web/bar_chart.h"

#include <gtest/gtest.h>

#include "web/funnel_chart.h"

namespace outreach::web {
namespace {

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

BarChart sample() {
  BarChart c;
  c.id = "funnel-x-step-1";
  c.title = "Trechter van stap 1";
  c.description = "Per gemeente en kanaal";
  c.groups = {{"Rotterdam \u00b7 sms", {{"totaal", 40, 3}, {"verzonden", 20, 1}, {"afgeleverd", 10, 2}, {"gelezen", 0, 0}}}};
  return c;
}

TEST(BarChart, EveryBarIsNamedAndNumberedInTextAndTheSvgIsAnImageWithATitle) {
  const auto svg = render_bar_chart(sample());
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Trechter van stap 1. Per gemeente en kanaal\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"funnel-x-step-1-title\">Trechter van stap 1</title>"), std::string::npos);
  EXPECT_NE(svg.find("<desc id=\"funnel-x-step-1-desc\">Per gemeente en kanaal</desc>"), std::string::npos);
  for (const char* label : {">totaal 40<", ">verzonden 20<", ">afgeleverd 10<", ">gelezen 0<"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
  // Patterns, not colour: the hatched and dotted fills are defined and used; the widest bar is 230.
  EXPECT_NE(svg.find("fill=\"url(#funnel-x-step-1-hatch)\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"url(#funnel-x-step-1-dots)\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"230\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"115\""), std::string::npos);  // 20 of 40
  EXPECT_EQ(svg.find("style="), std::string::npos);  // CSP: presentation attributes only
}

TEST(BarChart, MunicipalityNamesAndTitlesAreEscaped) {
  BarChart c = sample();
  c.title = "A <b> & \"c\"";
  c.groups[0].label = "Bergen (L.) <script>alert('x')</script> & Co";
  const auto svg = render_bar_chart(c);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("A &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("<title>Bergen (L.) &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</title>"),
            std::string::npos);
}

TEST(BarChart, AllZeroValuesDrawThinMarksAndNoDivisionByZero) {
  BarChart c = sample();
  for (auto& b : c.groups[0].bars) b.value = 0;
  const auto svg = render_bar_chart(c);
  EXPECT_EQ(count(svg, "width=\"1\" height=\"16\""), 4u);
  EXPECT_NE(svg.find(">totaal 0<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(BarChart, NoGroupsSaysSoInText) {
  BarChart c = sample();
  c.groups.clear();
  c.empty_text = "Nog geen berichten";
  const auto svg = render_bar_chart(c);
  EXPECT_NE(svg.find(">Nog geen berichten</text>"), std::string::npos);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
}

TEST(BarChart, LongLabelsAreShortenedOnTheChartButWholeInTheTitle) {
  BarChart c = sample();
  const std::string name = "S\u00fadwest-Frysl\u00e2n en een heel lange naam die niet op een telefoon past \u00b7 whatsapp";
  c.groups[0].label = name;
  const auto svg = render_bar_chart(c);
  EXPECT_NE(svg.find("<title>" + name + "</title>"), std::string::npos);
  const std::string shown = shorten_utf8(name, kChartLabelChars);
  EXPECT_NE(svg.find(">" + shown + "</text>"), std::string::npos);
  EXPECT_EQ(shown.substr(shown.size() - 3), "\u2026");
  // Cut between code points, never inside one: ú and â stay whole.
  EXPECT_EQ(shorten_utf8("\u00fa\u00fa\u00fa", 2), "\u00fa\u2026");
  EXPECT_EQ(shorten_utf8("\u00fa\u00fa", 2), "\u00fa\u00fa");
}

TEST(BarChart, TheSameChartGivesTheSameBytesAndIdsAreSafe) {
  BarChart c = sample();
  c.id = "funnel-a b\"<";
  EXPECT_EQ(render_bar_chart(c), render_bar_chart(c));
  EXPECT_NE(render_bar_chart(c).find("id=\"funnel-a-b--\""), std::string::npos);
}

TEST(FunnelChart, OneChartPerStepAndOneGroupPerMunicipalityAndChannel) {
  services::CampaignFunnel f;
  f.key = "herstel";
  f.step_ids = {"eerste", "herinnering"};
  services::FunnelCellView a;
  a.step = 0;
  a.channel = "sms";
  a.municipality_name = "Rotterdam";
  a.total = 10;
  a.sent = 8;
  a.delivered = 6;
  a.read = 0;
  services::FunnelCellView b = a;
  b.channel = "";
  b.municipality_name = "Schiedam";
  f.cells = {a, b};
  auto nl = funnel_charts(f, FunnelChartText{});
  ASSERT_EQ(nl.size(), 2u);
  EXPECT_EQ(nl[0].groups.size(), 2u);
  EXPECT_EQ(nl[0].groups[0].label, "Rotterdam \u00b7 sms");
  EXPECT_EQ(nl[0].groups[1].label, "Schiedam \u00b7 nog geen kanaal");
  EXPECT_TRUE(nl[1].groups.empty());
  EXPECT_NE(render_bar_chart(nl[1]).find("Nog geen berichten in deze stap"), std::string::npos);
  FunnelChartText english{"all", "sent", "delivered", "read", "no channel yet", "Funnel of step", "", "No messages"};
  auto en = funnel_charts(f, english);
  EXPECT_NE(render_bar_chart(en[0]).find(">delivered 6<"), std::string::npos);
  EXPECT_NE(en[0].title.find("Funnel of step 1 (eerste)"), std::string::npos);
}

TEST(FunnelChart, AStepWithManyMunicipalitiesShowsTheLargestAndAddsUpTheRest) {
  services::CampaignFunnel f;
  f.key = "landelijk";
  f.step_ids = {"eerste"};
  for (int i = 0; i < 30; ++i) {
    services::FunnelCellView c;
    c.channel = "sms";
    c.municipality_name = "Gemeente " + std::to_string(100 + i);
    c.total = i + 1;  // Gemeente 129 is the largest
    c.sent = i;
    f.cells.push_back(c);
  }
  auto charts = funnel_charts(f, FunnelChartText{}, 12);
  ASSERT_EQ(charts.size(), 1u);
  const auto& groups = charts[0].groups;
  ASSERT_EQ(groups.size(), 12u);
  EXPECT_EQ(groups[0].label, "Gemeente 119 \u00b7 sms");  // the 11 largest, in name order
  EXPECT_EQ(groups[10].label, "Gemeente 129 \u00b7 sms");
  EXPECT_EQ(groups[11].label, "19 andere gemeenten en kanalen");
  EXPECT_EQ(groups[11].bars[0].value, 19 * 20 / 2);  // totals 1..19
  EXPECT_EQ(groups[11].bars[1].value, 18 * 19 / 2);  // sent 0..18
  EXPECT_EQ(funnel_charts(f, FunnelChartText{}, 0)[0].groups.size(), 30u);  // 0: no limit
}

}  // namespace
}  // namespace outreach::web
