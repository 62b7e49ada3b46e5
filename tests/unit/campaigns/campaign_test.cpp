#include "campaigns/campaign.h"

#include <gtest/gtest.h>

namespace outreach::campaigns {
namespace {

TEST(Campaign, DurationsParseAndFormat) {
  EXPECT_EQ(parse_duration("30m"), core::Millis(30 * 60'000));
  EXPECT_EQ(parse_duration("12h"), core::Millis(12 * 3'600'000));
  EXPECT_EQ(parse_duration("4d"), core::Millis(4 * 86'400'000LL));
  EXPECT_EQ(parse_duration("0d"), core::Millis(0));
  for (const char* bad : {"", "d", "4", "4 d", "-1d", "4w", "1.5h", "4D", "99999999d"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_duration(core::Millis(4 * 86'400'000LL)), "4d");
  EXPECT_EQ(format_duration(core::Millis(90 * 60'000)), "90m");
  EXPECT_EQ(format_duration(core::Millis(36 * 3'600'000)), "36h");
  EXPECT_EQ(format_duration(core::Millis(0)), "0d");
}

TEST(Campaign, HoursParse) {
  int s = 0, e = 0;
  ASSERT_TRUE(parse_hours("09:00-20:00", s, e));
  EXPECT_EQ(s, 540);
  EXPECT_EQ(e, 1200);
  ASSERT_TRUE(parse_hours("00:00-24:00", s, e));
  EXPECT_EQ(e, 1440);
  for (const char* bad : {"9:00-20:00", "09:00-20", "20:00-09:00", "09:00-09:00", "09:60-10:00", "24:00-24:00",
                          "25:00-26:00", "09:00 20:00"}) {
    EXPECT_FALSE(parse_hours(bad, s, e)) << bad;
  }
}

TEST(Campaign, WeekdaysRoundTrip) {
  EXPECT_EQ(parse_weekday("mon"), Weekday::mon);
  EXPECT_EQ(parse_weekday("sun"), Weekday::sun);
  EXPECT_EQ(to_string(Weekday::sat), std::string("sat"));
  EXPECT_FALSE(parse_weekday("Mon").has_value());
  EXPECT_FALSE(parse_weekday("monday").has_value());
}

TEST(Campaign, JaGrantsTheContactsOwnMunicipality) {
  Campaign c;
  c.asks_for = "share";
  EXPECT_EQ(granted_purpose(c, "GM0599"), "share:GM0599");
  c.asks_for = "peer-contact";
  EXPECT_EQ(granted_purpose(c, "GM0599"), "peer-contact");
  c.asks_for = "";
  EXPECT_EQ(granted_purpose(c, "GM0599"), std::nullopt);
}

TEST(Campaign, FindStepAndFindingPlacement) {
  Campaign c;
  c.file = "c.yaml";
  c.steps.push_back(Step{"one"});
  c.locations["steps[0]"] = {8, 5};
  EXPECT_NE(c.find_step("one"), nullptr);
  EXPECT_EQ(c.find_step("two"), nullptr);
  EXPECT_EQ(finding_at(c, Finding::error, "steps[0].channels[2]", "unknown channel 'fax'").str(),
            "c.yaml:8:5: steps[0].channels[2]: unknown channel 'fax'");
}

}  // namespace
}  // namespace outreach::campaigns
