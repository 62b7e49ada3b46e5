#include "campaigns/sample_messages.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace outreach::campaigns {
namespace {

Campaign campaign() {
  Campaign c;
  c.key = "t";
  c.name = "Herstel";
  c.sender = "Herstelteam";
  c.reply_number = "+3197010203040";
  c.partials["optout"] = {{"nl", "Stuur STOP naar {{reply_number}}."}};
  c.templates["hello"]["nl"] = {"", "Beste {{name}}, {{sender}}. {{> optout}}", ""};
  c.templates["hello"]["en"] = {"", "Dear {{first_name}}. {{> optout}}", ""};
  c.templates["broken"]["nl"] = {"", "Beste {{#name}}", ""};  // unclosed section
  return c;
}

TEST(SampleMessages, EveryTemplateLanguageRenderedAsRenderWouldWithTheSampleVariables) {
  const Campaign c = campaign();
  const SampleMessages samples(c);
  EXPECT_EQ(samples.vars(), sample_vars(c));
  for (const auto& [id, language] : {std::pair{"hello", "nl"}, std::pair{"hello", "en"}}) {
    const auto& sample = samples.at(id, language);
    auto direct = render(c, id, language, sample_vars(c));
    ASSERT_TRUE(sample.ok() && direct.ok()) << id << " " << language;
    EXPECT_EQ(sample->language_used, language);
    EXPECT_EQ(sample->text, direct->text);
  }
  EXPECT_EQ(samples.at("hello", "en")->text, "Dear Samira. Stuur STOP naar +3197010203040.");
}

TEST(SampleMessages, KeepsTheRenderErrorOfATemplateThatDoesNotRender) {
  const Campaign c = campaign();
  const SampleMessages samples(c);
  const auto& broken = samples.at("broken", "nl");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message, render(c, "broken", "nl", sample_vars(c)).error().message);
  EXPECT_EQ(broken.error().where, "templates.broken.nl.text");
}

TEST(SampleMessages, ALanguageTheTemplateLacksIsNotSampled) {
  const SampleMessages samples(campaign());
  // render() would fall back to nl; the checks only ask for the languages a template has.
  EXPECT_THROW((void)samples.at("hello", "tr"), std::out_of_range);
  EXPECT_THROW((void)samples.at("unknown", "nl"), std::out_of_range);
}

}  // namespace
}  // namespace outreach::campaigns
