#include "campaigns/campaign_validator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "campaigns/campaign_parser.h"

namespace outreach::campaigns {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ValidationContext context() {
  ValidationContext ctx;
  ctx.channels = default_channel_kinds();
  ctx.municipalities = {"GM0363", "GM0489", "GM0502", "GM0542", "GM0556", "GM0597", "GM0599",
                        "GM0606", "GM0613", "GM0622", "GM1621", "GM1930", "GM1992"};
  ctx.regions = {"rijnmond"};
  return ctx;
}

// A small valid campaign; each test breaks one thing.
const char* kBase =
    "campaign: t\n"                                         // 1
    "name: T\n"                                             // 2
    "sender: Herstelteam\n"                                 // 3
    "reply_number: \"+3197010203040\"\n"                    // 4
    "consent_purpose: outreach\n"                           // 5
    "audience: {region: rijnmond, languages: [nl, tr]}\n"   // 6
    "steps:\n"                                              // 7
    "  - id: one\n"                                         // 8
    "    channels: [sms]\n"                                 // 9
    "    template: hello\n"                                 // 10
    "partials:\n"                                           // 11
    "  optout: {nl: \"Stuur STOP naar {{reply_number}}.\"}\n"  // 12
    "templates:\n"                                          // 13
    "  hello:\n"                                            // 14
    "    nl: \"Beste {{name}}. {{sender}} {{> optout}}\"\n"  // 15
    "    tr: \"Merhaba {{name}}. {{sender}} {{> optout}}\"\n";  // 16

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Parse (which must succeed) and validate; all findings, one a line.
std::string check(const std::string& text) {
  auto out = parse_campaign(text, "x.yaml");
  if (!out.ok()) return "parse failed:\n" + format_findings(out.findings);
  return format_findings(validate(*out.campaign, context()));
}

TEST(CampaignValidator, BaseCampaignIsValid) { EXPECT_EQ(check(kBase), ""); }

TEST(CampaignValidator, ExampleCampaignHasNoFindings) {
  const std::string file = "config/campaigns/herstel-rijnmond.yaml";
  auto out = parse_campaign(read_file(file), file);
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  EXPECT_EQ(format_findings(validate(*out.campaign, context())), "");
}

TEST(CampaignValidator, UnknownChannelNamesFileLineAndField) {
  EXPECT_EQ(check(replaced(kBase, "channels: [sms]", "channels: [sms, fax]")),
            "x.yaml:9:21: steps[0].channels[1]: unknown channel 'fax'\n");
}

TEST(CampaignValidator, ChannelListedTwice) {
  EXPECT_EQ(check(replaced(kBase, "channels: [sms]", "channels: [sms, sms]")),
            "x.yaml:9:21: steps[0].channels[1]: channel 'sms' is listed twice\n");
}

TEST(CampaignValidator, UnknownMunicipalityAndRegion) {
  EXPECT_EQ(check(replaced(kBase, "region: rijnmond", "municipalities: [GM0599, GM9999], region: atlantis")),
            "x.yaml:6:37: audience.municipalities[1]: unknown municipality 'GM9999'\n"
            "x.yaml:6:54: audience.region: unknown region 'atlantis'\n");
}

TEST(CampaignValidator, UnknownTemplateInAStep) {
  EXPECT_EQ(check(replaced(kBase, "template: hello", "template: helo")),
            "x.yaml:10:15: steps[0].template: unknown template 'helo'\n"
            "x.yaml:14:3: warning: templates.hello: template 'hello' is not used by any step\n");
}

TEST(CampaignValidator, TemplateWithAMissingVariableFails) {
  EXPECT_EQ(check(replaced(kBase, "Merhaba {{name}}", "Merhaba {{naam}}")),
            "x.yaml:16:9: templates.hello.tr.text: unknown variable 'naam'\n");
}

TEST(CampaignValidator, UnknownVariableInAPartialAndUnknownPartial) {
  std::string text = replaced(kBase, "naar {{reply_number}}", "naar {{nummer}}");
  text = replaced(text, "Beste {{name}}. {{sender}} {{> optout}}", "Beste {{name}}. {{> footer}} {{> optout}}");
  EXPECT_EQ(check(text),
            "x.yaml:12:16: partials.optout.nl: unknown variable 'nummer'\n"
            "x.yaml:15:9: templates.hello.nl.text: unknown partial 'footer'\n");
}

TEST(CampaignValidator, NlIsRequiredForEveryTemplateAndPartial) {
  std::string text = replaced(kBase, "    nl: \"Beste {{name}}. {{sender}} {{> optout}}\"\n", "");
  text = replaced(text, "optout: {nl:", "optout: {tr:");
  EXPECT_EQ(check(text),
            "x.yaml:12:3: partials.optout: nl is missing: it is the fallback language\n"
            "x.yaml:14:3: templates.hello: nl is missing: it is the fallback language\n");
}

TEST(CampaignValidator, UnknownLanguage) {
  EXPECT_EQ(check(std::string(kBase) + "    deutsch: \"Hallo {{name}}. {{sender}} STOP\"\n"
                                       "    de: \"Hallo {{name}}. {{sender}} STOP\"\n"),
            "x.yaml:18:9: templates.hello.de: language 'de' is not in audience.languages\n"
            "x.yaml:17:14: templates.hello.deutsch: unknown language 'deutsch'\n");
}

TEST(CampaignValidator, DuplicateStepIds) {
  EXPECT_EQ(check(replaced(kBase, "partials:", "  - id: one\n    after: 1d\n    channels: [email]\n"
                                               "    template: hello\npartials:")),
            "x.yaml:11:9: steps[1].id: duplicate step id 'one'\n");
}

TEST(CampaignValidator, LaterStepAtZeroDaysIsAWarning) {
  EXPECT_EQ(check(replaced(kBase, "partials:", "  - id: two\n    after: 0d\n    channels: [sms]\n"
                                               "    template: hello\npartials:")),
            "x.yaml:12:12: warning: steps[1].after: 0d: step 'two' goes out together with the step before it\n");
}

TEST(CampaignValidator, HoursMalformedInACampaignBuiltInCode) {
  Campaign c = *parse_campaign(kBase, "x.yaml").campaign;
  c.send_window.hours = "9h-17h";
  c.send_window.timezone = "";
  c.send_window.days.clear();
  EXPECT_EQ(format_findings(validate(c, context())),
            "x.yaml: send_window.days: no days to send on\n"
            "x.yaml: send_window.hours: malformed hours '9h-17h' (write HH:MM-HH:MM with the start before the end)\n"
            "x.yaml: send_window.timezone: timezone is empty\n");
}

TEST(CampaignValidator, HeaderFieldsAreChecked) {
  std::string text = replaced(kBase, "campaign: t", "campaign: Herstel_2026");
  text = replaced(text, "consent_purpose: outreach", "consent_purpose: outreach\nasks_for: money");
  text = replaced(text, "sender: Herstelteam", "sender: \"\"");
  EXPECT_EQ(check(text),
            "x.yaml:1:11: campaign: campaign key 'Herstel_2026' must match [a-z0-9-]+\n"
            "x.yaml:3:9: sender: sender is empty: every message must name its sender\n"
            "x.yaml:6:11: asks_for: unknown grant 'money' (use share or peer-contact)\n");
}

TEST(CampaignValidator, UnknownExclusion) {
  EXPECT_EQ(check(replaced(kBase, "region: rijnmond", "region: rijnmond, exclude: [responded, rich]")),
            "x.yaml:6:51: audience.exclude[1]: unknown exclusion 'rich' (use responded, opted_out, do_not_contact)\n");
}

TEST(CampaignValidator, MustacheSyntaxErrorsAreNamed) {
  EXPECT_EQ(check(replaced(kBase, "Merhaba {{name}}.", "Merhaba {{name}.")),
            "x.yaml:16:9: templates.hello.tr.text: template syntax: malformed tag '{{name}. {{sender}}'\n");
  EXPECT_EQ(check(replaced(kBase, "Merhaba {{name}}.", "Merhaba {{#name}}.")),
            "x.yaml:16:9: templates.hello.tr.text: template syntax: section 'name' is not closed\n");
  EXPECT_EQ(check(replaced(kBase, "Merhaba {{name}}.", "Merhaba {{=<% %>=}}.")),
            "x.yaml:16:9: templates.hello.tr.text: template syntax: delimiter changes are not supported\n");
}

TEST(CampaignValidator, ReplyNumberVariableNeedsAReplyNumber) {
  EXPECT_EQ(check(replaced(kBase, "reply_number: \"+3197010203040\"\n", "")),
            "x.yaml:11:16: partials.optout.nl: uses {{reply_number}} but the campaign has no reply_number\n");
}

TEST(CampaignValidator, PartialIncludingItselfIsRefused) {
  EXPECT_EQ(check(replaced(kBase, "Stuur STOP naar {{reply_number}}.", "Stuur STOP. {{> optout}}")),
            "x.yaml:12:3: partials.optout: partial 'optout' includes itself\n");
}

TEST(CampaignValidator, PartialNamedLikeAVariable) {
  EXPECT_EQ(check(replaced(kBase, "partials:\n", "partials:\n  sender: {nl: x}\n")),
            "x.yaml:12:3: partials.sender: partial 'sender' has the name of a variable\n");
}

TEST(CampaignValidator, NoStepsAndNoChannels) {
  Campaign c = *parse_campaign(kBase, "x.yaml").campaign;
  c.steps[0].channels.clear();
  EXPECT_EQ(format_findings(validate(c, context())), "x.yaml:9:5: steps[0].channels: no channels\n");
  c.steps.clear();
  EXPECT_EQ(format_findings(validate(c, context())),
            "x.yaml:7:1: steps: a campaign needs at least one step\n"
            "x.yaml:14:3: warning: templates.hello: template 'hello' is not used by any step\n");
}

TEST(CampaignValidator, BadFixtureFileReportsEveryUnknownReference) {
  const std::string file = "tests/data/campaigns/unknown-references.yaml";
  auto out = parse_campaign(read_file(file), file);
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  EXPECT_EQ(format_findings(validate(*out.campaign, context())),
            "tests/data/campaigns/unknown-references.yaml:7:28: audience.municipalities[1]: unknown municipality 'GM9999'\n"
            "tests/data/campaigns/unknown-references.yaml:8:11: audience.region: unknown region 'atlantis'\n"
            "tests/data/campaigns/unknown-references.yaml:11:21: steps[0].channels[1]: unknown channel 'fax'\n"
            "tests/data/campaigns/unknown-references.yaml:13:9: steps[1].id: duplicate step id 'first'\n"
            "tests/data/campaigns/unknown-references.yaml:16:15: steps[1].template: unknown template 'second'\n"
            "tests/data/campaigns/unknown-references.yaml:19:9: templates.first.nl.text: unknown variable 'naam'\n"
            "tests/data/campaigns/unknown-references.yaml:19:9: templates.first.nl.text: unknown partial 'optout'\n");
}

// kBase with a page post (lines 17-23): one generic text for everyone on facebook_page.
std::string with_post() {
  return std::string(kBase) +
         "  story:\n"                                            // 17
         "    nl: \"Hulp nodig? Bel uw gemeente. {{> optout}}\"\n"  // 18
         "posts:\n"                                              // 19
         "  - id: story\n"                                       // 20
         "    after: 1d\n"                                       // 21
         "    channel: facebook_page\n"                          // 22
         "    template: story\n";                                // 23
}

TEST(CampaignValidator, PostOnAPageChannelIsValid) { EXPECT_EQ(check(with_post()), ""); }

TEST(CampaignValidator, PostOnAnUnknownChannel) {
  EXPECT_EQ(check(replaced(with_post(), "channel: facebook_page", "channel: fb")),
            "x.yaml:22:14: posts[0].channel: unknown channel 'fb'\n");
}

TEST(CampaignValidator, PostOnAChannelThatReachesPeopleIsRefused) {
  EXPECT_EQ(check(replaced(with_post(), "channel: facebook_page", "channel: sms")),
            "x.yaml:22:14: posts[0].channel: channel 'sms' reaches people, not a page: a post needs a page channel\n");
}

TEST(CampaignValidator, PostWithAnUnknownTemplate) {
  EXPECT_EQ(check(replaced(with_post(), "template: story", "template: nope")),
            "x.yaml:23:15: posts[0].template: unknown template 'nope'\n"
            "x.yaml:17:3: warning: templates.story: template 'story' is not used by any step\n");
}

TEST(CampaignValidator, NoPersonalDataInAPublicPost) {
  EXPECT_EQ(check(replaced(with_post(), "Hulp nodig?", "Hulp nodig, {{first_name}} uit {{municipality_name}}?")),
            "x.yaml:18:9: templates.story.nl.text: no personal data in a public post: uses {{first_name}} "
            "(published by posts[0])\n"
            "x.yaml:18:9: templates.story.nl.text: no personal data in a public post: uses {{municipality_name}} "
            "(published by posts[0])\n");
}

TEST(CampaignValidator, NoPersonalDataInAPublicPostThroughAPartial) {
  EXPECT_EQ(check(replaced(with_post(), "{{reply_number}}.\"}", "{{reply_number}}. {{unsubscribe_url}}\"}")),
            "x.yaml:12:16: partials.optout.nl: no personal data in a public post: uses {{unsubscribe_url}} "
            "(published by posts[0])\n");
}

TEST(CampaignValidator, PostInALanguageTheTemplateLacks) {
  EXPECT_EQ(check(with_post() + "    language: tr\n"),
            "x.yaml:24:15: posts[0].language: template 'story' has no 'tr' text\n");
}

TEST(CampaignValidator, DuplicatePostId) {
  EXPECT_EQ(check(with_post() + "  - id: story\n    channel: facebook_page\n    template: story\n"),
            "x.yaml:24:9: posts[1].id: duplicate post id 'story'\n");
}

TEST(CampaignValidator, PageChannelCannotBeAStepChannel) {
  EXPECT_EQ(check(replaced(kBase, "channels: [sms]", "channels: [sms, facebook_page]")),
            "x.yaml:9:21: steps[0].channels[1]: channel 'facebook_page' is a public page: list it under posts, "
            "not in a step\n");
}

TEST(CampaignValidator, LanguageCodes) {
  EXPECT_TRUE(is_language_code("nl"));
  EXPECT_TRUE(is_language_code("pap"));
  EXPECT_FALSE(is_language_code("NL"));
  EXPECT_FALSE(is_language_code("n"));
  EXPECT_FALSE(is_language_code("nl-BE"));
}

}  // namespace
}  // namespace outreach::campaigns

namespace outreach::campaigns {
namespace {

TEST(CampaignValidator, WhatsAppTemplateNameAndParamsAreChecked) {
  const std::string ok = replaced(kBase, "    template: hello\n",
                                  "    template: hello\n"
                                  "    whatsapp_template: {name: herstel_eerste_contact, params: [name, municipality_name]}\n");
  EXPECT_EQ(check(ok), "");
  auto parsed = parse_campaign(ok, "x.yaml");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.campaign->steps[0].whatsapp_template, "herstel_eerste_contact");
  EXPECT_EQ(parsed.campaign->steps[0].whatsapp_params, (std::vector<std::string>{"name", "municipality_name"}));

  EXPECT_EQ(check(replaced(kBase, "    template: hello\n",
                           "    template: hello\n    whatsapp_template: {name: Herstel-1, params: [name, bsn]}\n")),
            "x.yaml:11:31: steps[0].whatsapp_template.name: 'Herstel-1' is not a WhatsApp template name "
            "(lower-case letters, digits, _)\n"
            "x.yaml:11:57: steps[0].whatsapp_template.params[1]: unknown variable 'bsn'\n");
  auto no_name = parse_campaign(replaced(kBase, "    template: hello\n",
                                         "    template: hello\n    whatsapp_template: {params: [name]}\n"),
                                "x.yaml");
  EXPECT_FALSE(no_name.ok());
}

}  // namespace
}  // namespace outreach::campaigns

namespace outreach::campaigns {
namespace {

TEST(CampaignValidator, PartialsNestingTooDeepAreRefusedNamingTheTemplate) {
  std::string partials = "partials:\n  p0: {nl: \"x\"}\n";
  for (int i = 1; i < 30; ++i) {
    const std::string prev = "{{> p" + std::to_string(i - 1) + "}}";
    partials += "  p" + std::to_string(i) + ": {nl: \"" + prev + prev + "\"}\n";
  }
  std::string text = replaced(kBase, "partials:\n", partials);
  text = replaced(text, "{{sender}} {{> optout}}\"\n    tr", "{{sender}} {{> optout}} {{> p29}}\"\n    tr");
  const auto started = std::chrono::steady_clock::now();
  const std::string findings = check(text);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  EXPECT_NE(findings.find("templates.hello.nl.text: partials nest deeper than 8 levels (p29 > p28 > p27 > p26 > p25 > "
                          "p24 > p23 > p22 > p21)\n"),
            std::string::npos)
      << findings;
}

}  // namespace
}  // namespace outreach::campaigns
