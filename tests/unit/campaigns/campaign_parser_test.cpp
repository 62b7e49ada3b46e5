#include "campaigns/campaign_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace outreach::campaigns {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A minimal valid campaign; tests splice one broken line into it.
const char* kMinimal =
    "campaign: t\n"
    "name: T\n"
    "sender: S\n"
    "consent_purpose: outreach\n"
    "audience: {region: rijnmond}\n"
    "steps:\n"
    "  - id: one\n"
    "    channels: [sms]\n"
    "    template: hello\n"
    "templates:\n"
    "  hello:\n"
    "    nl: \"Hallo {{name}}. {{sender}} STOP\"\n";

// All findings of parsing `text` as "x.yaml", one per line.
std::string errors(const std::string& text) { return format_findings(parse_campaign(text, "x.yaml").findings); }

TEST(CampaignParser, ExampleCampaignParsesWithoutFindings) {
  const std::string file = "config/campaigns/herstel-rijnmond.yaml";
  auto out = parse_campaign(read_file(file), file);
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  EXPECT_TRUE(out.findings.empty()) << format_findings(out.findings);
  const Campaign& c = *out.campaign;
  EXPECT_EQ(c.key, "herstel-rijnmond");
  EXPECT_EQ(c.name, "Hersteloperatie toeslagen: hulp van uw gemeente");
  EXPECT_EQ(c.sender, "Herstelteam Rijnmond");
  EXPECT_EQ(c.reply_number, "+3197010203040");
  EXPECT_EQ(c.consent_purpose, "outreach");
  EXPECT_EQ(c.asks_for, "share");
  EXPECT_EQ(c.audience.municipalities, (std::vector<std::string>{"GM0599", "GM0606"}));
  EXPECT_EQ(c.audience.region, "rijnmond");
  EXPECT_EQ(c.audience.languages, (std::vector<std::string>{"nl", "en", "tr", "ar", "pap", "pl"}));
  EXPECT_EQ(c.audience.tags, (std::vector<std::string>{"herstel"}));
  EXPECT_TRUE(c.audience.excludes("responded"));
  EXPECT_EQ(c.send_window.days.size(), 6u);
  EXPECT_EQ(c.send_window.start_minute, 9 * 60);
  EXPECT_EQ(c.send_window.end_minute, 20 * 60);
  EXPECT_EQ(c.send_window.timezone, "Europe/Amsterdam");
  ASSERT_EQ(c.steps.size(), 3u);
  EXPECT_EQ(c.steps[0].id, "first_contact");
  EXPECT_EQ(c.steps[0].channels, (std::vector<std::string>{"sms", "email"}));
  EXPECT_EQ(c.steps[0].expires_after, core::Millis(7 * 86'400'000LL));
  EXPECT_FALSE(c.steps[0].unless_responded);
  EXPECT_EQ(c.steps[1].after, core::Millis(4 * 86'400'000LL));
  EXPECT_TRUE(c.steps[1].unless_responded);
  EXPECT_EQ(c.steps[1].channels, (std::vector<std::string>{"whatsapp", "sms", "email"}));
  EXPECT_EQ(c.steps[2].channels, (std::vector<std::string>{"intermediary"}));
  EXPECT_EQ(c.steps[2].after, core::Millis(10 * 86'400'000LL));
  EXPECT_EQ(c.templates.size(), 4u);
  EXPECT_EQ(c.templates.at("first_contact").size(), 6u);
  ASSERT_EQ(c.posts.size(), 1u);
  EXPECT_EQ(c.posts[0].id, "story_contact_us");
  EXPECT_EQ(c.posts[0].channel, "facebook_page");
  EXPECT_EQ(c.posts[0].after, core::Millis(86'400'000LL));
  EXPECT_EQ(c.partials.at("footer").at("nl"), "Afzender: {{sender}}.");
}

TEST(CampaignParser, RecordsTheLocationOfFields) {
  auto out = parse_campaign(kMinimal, "x.yaml");
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  const Campaign& c = *out.campaign;
  EXPECT_EQ(c.file, "x.yaml");
  EXPECT_EQ(locate(c, "steps[0].channels[0]").line, 8);
  EXPECT_EQ(locate(c, "steps[0].channels[0]").column, 16);
  EXPECT_EQ(locate(c, "templates.hello.nl.text").line, 12);
  // An unrecorded field falls back to its nearest recorded parent.
  EXPECT_EQ(locate(c, "steps[0].channels[7]").line, 8);
  EXPECT_EQ(locate(c, "nothing.here").line, 0);
}

TEST(CampaignParser, ScalarTemplateIsShortForText) {
  auto out = parse_campaign(kMinimal, "x.yaml");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.campaign->templates.at("hello").at("nl").text, "Hallo {{name}}. {{sender}} STOP");
  EXPECT_EQ(out.campaign->templates.at("hello").at("nl").subject, "");
}

TEST(CampaignParser, DefaultsWhenOptionalFieldsAreAbsent) {
  auto out = parse_campaign(kMinimal, "x.yaml");
  ASSERT_TRUE(out.ok());
  const Campaign& c = *out.campaign;
  EXPECT_EQ(c.send_window.days.size(), 7u);
  EXPECT_EQ(c.send_window.hours, "09:00-21:00");
  EXPECT_EQ(c.steps[0].after, core::Millis(0));
  EXPECT_FALSE(c.steps[0].expires_after.has_value());
  EXPECT_EQ(c.asks_for, "");
}

TEST(CampaignParser, YamlSyntaxErrorNamesFileLineAndColumn) {
  EXPECT_EQ(errors("campaign: t\nname: [unclosed\nsender: S\n"),
            "x.yaml:3:7: YAML syntax: end of sequence flow not found\n");
  EXPECT_EQ(errors("campaign: t\n  name: x\n"),
            "x.yaml:2:7: YAML syntax: illegal map value\n");
}

TEST(CampaignParser, SyntaxErrorGivesNoCampaign) {
  auto out = parse_campaign("a: [", "x.yaml");
  EXPECT_FALSE(out.campaign.has_value());
  EXPECT_FALSE(out.ok());
}

TEST(CampaignParser, TopLevelMustBeAMapping) {
  EXPECT_EQ(errors(""), "x.yaml:1:1: expected a campaign mapping (campaign: ..., steps: ...)\n");
  EXPECT_EQ(errors("- a\n- b\n"), "x.yaml:1:1: expected a campaign mapping (campaign: ..., steps: ...)\n");
}

TEST(CampaignParser, UnknownKeyIsNamed) {
  EXPECT_EQ(errors(std::string(kMinimal) + "colour: blue\n"), "x.yaml:13:1: colour: unknown key 'colour'\n");
}

TEST(CampaignParser, UnknownKeyInsideAStepIsNamedWithItsPath) {
  std::string text = kMinimal;
  text.replace(text.find("    template: hello\n"), 0, "    chanels: [sms]\n");
  EXPECT_EQ(errors(text), "x.yaml:9:5: steps[0].chanels: unknown key 'chanels'\n");
}

TEST(CampaignParser, DuplicateKeyIsAnError) {
  EXPECT_EQ(errors(std::string(kMinimal) + "sender: Other\n"), "x.yaml:13:1: sender: duplicate key 'sender'\n");
}

TEST(CampaignParser, MissingRequiredKeysAreNamed) {
  EXPECT_EQ(errors("campaign: t\nname: T\n"),
            "x.yaml:1:1: sender: missing required key\n"
            "x.yaml:1:1: consent_purpose: missing required key\n"
            "x.yaml:1:1: audience: missing required key\n"
            "x.yaml:1:1: steps: missing required key\n"
            "x.yaml:1:1: templates: missing required key\n");
}

TEST(CampaignParser, MissingStepKeyPointsAtTheStep) {
  std::string text = kMinimal;
  text.erase(text.find("    template: hello\n"), 20);
  EXPECT_EQ(errors(text), "x.yaml:7:5: steps[0].template: missing required key\n");
}

TEST(CampaignParser, MalformedDurationNamesFieldAndValue) {
  std::string text = kMinimal;
  text.replace(text.find("    channels"), 0, "    after: 4 days\n");
  EXPECT_EQ(errors(text), "x.yaml:8:12: steps[0].after: malformed duration '4 days' (write e.g. 30m, 12h or 4d)\n");
}

TEST(CampaignParser, UnknownDayAndMalformedHours) {
  EXPECT_EQ(errors(std::string(kMinimal) + "send_window: {days: [mon, fry], hours: \"9-17\"}\n"),
            "x.yaml:13:27: send_window.days[1]: unknown day 'fry' (use mon, tue, wed, thu, fri, sat, sun)\n"
            "x.yaml:13:40: send_window.hours: malformed hours '9-17' (write HH:MM-HH:MM with the start before the end)\n");
}

TEST(CampaignParser, HoursEndingBeforeTheyStartAreMalformed) {
  EXPECT_EQ(errors(std::string(kMinimal) + "send_window: {hours: \"20:00-09:00\"}\n"),
            "x.yaml:13:22: send_window.hours: malformed hours '20:00-09:00' (write HH:MM-HH:MM with the start before the end)\n");
}

TEST(CampaignParser, UnknownUnlessCondition) {
  std::string text = kMinimal;
  text.replace(text.find("    channels"), 0, "    unless: clicked\n");
  EXPECT_EQ(errors(text), "x.yaml:8:13: steps[0].unless: unknown condition 'clicked' (only 'responded')\n");
}

TEST(CampaignParser, WrongValueTypesAreNamed) {
  std::string text = kMinimal;
  text.replace(text.find("channels: [sms]"), 15, "channels: sms");
  EXPECT_EQ(errors(text), "x.yaml:8:15: steps[0].channels: expected a list, found 'sms'\n");
  EXPECT_EQ(errors(std::string(kMinimal) + "reply_number: [1, 2]\n"),
            "x.yaml:13:15: reply_number: expected a text value, found a list\n");
  text = kMinimal;
  text.replace(text.find("audience: {region: rijnmond}"), 28, "audience: rijnmond");
  EXPECT_EQ(errors(text), "x.yaml:5:11: audience: expected a mapping, found 'rijnmond'\n");
  // A text with an escaped control character is not echoed into the message (a terminal would act on \e).
  text = kMinimal;
  text.replace(text.find("audience: {region: rijnmond}"), 28, "audience: \"rijnmond\\e[2J\"");
  EXPECT_EQ(errors(text), "x.yaml:5:11: audience: expected a mapping, found a text\n");
}

TEST(CampaignParser, StepsMustBeAList) {
  EXPECT_EQ(errors("campaign: t\nname: T\nsender: S\nconsent_purpose: p\naudience: {}\n"
                   "steps: {one: 1}\ntemplates: {}\n"),
            "x.yaml:6:8: steps: expected a list of steps\n");
}

TEST(CampaignParser, TemplateLanguageWithoutTextIsAnError) {
  std::string text = kMinimal;
  text += "    en: {subject: Hi}\n";
  EXPECT_EQ(errors(text), "x.yaml:13:9: templates.hello.en.text: missing required key\n");
}

TEST(CampaignParser, UnknownKeyInATemplateLanguage) {
  std::string text = kMinimal;
  text += "    en: {text: Hi, body: Hi}\n";
  EXPECT_EQ(errors(text), "x.yaml:13:20: templates.hello.en.body: unknown key 'body'\n");
}

TEST(CampaignParser, BadFixtureFilesReportTheirProblems) {
  const std::string dir = "tests/data/campaigns/";
  auto parse = [&](const std::string& name) {
    return format_findings(parse_campaign(read_file(dir + name), dir + name).findings);
  };
  EXPECT_EQ(parse("unknown-keys.yaml"),
            "tests/data/campaigns/unknown-keys.yaml:3:1: sendr: unknown key 'sendr'\n"
            "tests/data/campaigns/unknown-keys.yaml:1:1: sender: missing required key\n"
            "tests/data/campaigns/unknown-keys.yaml:7:3: audience.regio: unknown key 'regio'\n"
            "tests/data/campaigns/unknown-keys.yaml:13:5: steps[1].wait: unknown key 'wait'\n");
  EXPECT_EQ(parse("syntax-error.yaml"),
            "tests/data/campaigns/syntax-error.yaml:7:6: YAML syntax: end of sequence flow not found\n");
}

TEST(Finding, StrLeavesOutWhatIsEmpty) {
  EXPECT_EQ((Finding{Finding::error, "f.yaml", 14, 7, "steps[2].channels[0]", "unknown channel 'fax'"}.str()),
            "f.yaml:14:7: steps[2].channels[0]: unknown channel 'fax'");
  EXPECT_EQ((Finding{Finding::warning, "f.yaml", 3, 0, "", "odd"}.str()), "f.yaml:3: warning: odd");
  EXPECT_EQ((Finding{Finding::info, "", 0, 0, "name", "fine"}.str()), "note: name: fine");
}

TEST(CampaignParser, PostsAreReadWithTheirPlaces) {
  auto out = parse_campaign(std::string(kMinimal) +
                                "posts:\n"                         // 13
                                "  - id: story\n"                  // 14
                                "    after: 2d\n"                  // 15
                                "    channel: facebook_page\n"     // 16
                                "    template: hello\n"            // 17
                                "  - id: verhaal_en\n"             // 18
                                "    channel: facebook_page\n"     // 19
                                "    template: hello\n"            // 20
                                "    language: en\n",              // 21
                            "x.yaml");
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  const auto& posts = out.campaign->posts;
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].id, "story");
  EXPECT_EQ(posts[0].after, std::chrono::hours(48));
  EXPECT_EQ(posts[0].channel, "facebook_page");
  EXPECT_EQ(posts[0].template_id, "hello");
  EXPECT_EQ(posts[0].language, "nl") << "nl, the main language, unless the post says otherwise";
  EXPECT_EQ(posts[1].after, core::Millis(0));
  EXPECT_EQ(posts[1].language, "en");
  const Location at = locate(*out.campaign, "posts[0].channel");
  EXPECT_EQ(at.line, 16);
  EXPECT_EQ(at.column, 14);
}

TEST(CampaignParser, PostErrorsNameTheirPlace) {
  EXPECT_EQ(errors(std::string(kMinimal) + "posts:\n  - id: story\n    template: hello\n    audience: all\n"
                                           "    after: soon\n"),
            "x.yaml:16:5: posts[0].audience: unknown key 'audience'\n"
            "x.yaml:14:5: posts[0].channel: missing required key\n"
            "x.yaml:17:12: posts[0].after: malformed duration 'soon' (write e.g. 30m, 12h or 4d)\n");
  EXPECT_EQ(errors(std::string(kMinimal) + "posts: story\n"), "x.yaml:13:8: posts: expected a list of posts\n");
}

}  // namespace
}  // namespace outreach::campaigns

namespace outreach::campaigns {
namespace {

TEST(CampaignParser, BytesThatAreNotUtf8NameFileLineAndColumn) {
  EXPECT_EQ(format_findings(parse_campaign("campaign: t\nname: Caf\xE9\n", "x.yaml").findings),
            "x.yaml:2:10: not valid UTF-8 (byte 0xE9): save the file as UTF-8\n");
}

// yaml-cpp read "hulp\x01\x00Neem" in a folded text as "hulp\x01\x85eem": a lone 0x85, so a valid
// UTF-8 file rendered to a message that is not UTF-8 (the campaign fuzzer's finding). Control
// characters are refused before YAML sees them, with the place named; tabs and line ends stay.
TEST(CampaignParser, ControlCharactersAreRefusedWithFileLineAndColumn) {
  const std::string folded = std::string("campaign: t\nname: T\ntext: >-\n  Wilt u hulp\x01") + '\0' + "Neem contact op\n";
  EXPECT_EQ(format_findings(parse_campaign(folded, "x.yaml").findings),
            "x.yaml:4:14: control character U+0001 is not allowed in a campaign file (only tabs and line ends)\n");
  EXPECT_EQ(format_findings(parse_campaign(std::string("campaign: t\nname: T") + '\0' + "\n", "x.yaml").findings),
            "x.yaml:2:8: control character U+0000 is not allowed in a campaign file (only tabs and line ends)\n");
  EXPECT_EQ(format_findings(parse_campaign("campaign: t\nname: \"a\x7f\"\n", "x.yaml").findings),
            "x.yaml:2:9: control character U+007F is not allowed in a campaign file (only tabs and line ends)\n");
  // Tabs inside text and CRLF line ends are not control characters to refuse.
  for (const auto& finding : parse_campaign("campaign: t\r\nname: \"a\tb\"\r\n", "x.yaml").findings) {
    EXPECT_EQ(finding.message.find("control character"), std::string::npos) << finding.message;
  }
}

// The file's bytes may be clean while a quoted value writes a control character by an escape: a
// bell and a terminal colour code in a subject; in a shorthand text "\N", which yaml-cpp writes as
// the lone byte 0x85 (not UTF-8).
// Each is refused at its field; a tab and a line break written as escapes stay.
TEST(CampaignParser, ControlCharactersWrittenAsEscapesAreRefusedAtTheirField) {
  std::string yaml = read_file("config/campaigns/herstel-rijnmond.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    yaml.replace(at, from.size(), to);
  };
  replace("subject: \"Hulp van uw gemeente", "subject: \"Hulp\\a van uw \\e[31mgemeente");
  replace("templates:\n", "templates:\n  kort:\n    nl: \"Bel ons\\N\"\n  tab:\n    nl: \"Bel\\tons\\nvandaag\"\n");
  const std::string findings = format_findings(parse_campaign(yaml, "x.yaml").findings);
  EXPECT_NE(findings.find(": templates.first_contact.nl.subject: control character U+0007 is not allowed in a text "
                          "(only tabs and line breaks): remove the escape that writes it, such as \\a, \\e or \\u0007\n"),
            std::string::npos) << findings;
  EXPECT_NE(findings.find(": templates.kort.nl.text: an escape in this text gives bytes that are not UTF-8 (\\N and \\_ do): "
                          "write the character itself\n"),
            std::string::npos) << findings;
  EXPECT_EQ(findings.find("templates.tab"), std::string::npos) << findings;
  EXPECT_FALSE(parse_campaign(yaml, "x.yaml").ok());
}

}  // namespace
}  // namespace outreach::campaigns
