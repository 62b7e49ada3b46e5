#include "campaigns/message_lint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "campaigns/campaign_parser.h"
#include "campaigns/sample_messages.h"

namespace outreach::campaigns {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kBase =
    "campaign: t\n"                                          // 1
    "name: T\n"                                              // 2
    "sender: Herstelteam\n"                                  // 3
    "reply_number: \"+3197010203040\"\n"                     // 4
    "consent_purpose: outreach\n"                            // 5
    "audience: {region: rijnmond}\n"                         // 6
    "steps:\n"                                               // 7
    "  - id: one\n"                                          // 8
    "    channels: [sms, intermediary]\n"                    // 9
    "    template: hello\n"                                  // 10
    "partials:\n"                                            // 11
    "  optout: {nl: \"Geen berichten? {{reply_number}}\"}\n"  // 12
    "templates:\n"                                           // 13
    "  hello:\n"                                             // 14
    "    nl: \"Beste {{name}}. {{sender}} {{> optout}}\"\n"   // 15
    "    en: \"Dear {{name}}. {{> optout}}\"\n"               // 16
    "    tr: \"Merhaba {{name}}. {{sender}}\"\n"              // 17
    "  peer:\n"                                              // 18
    "    nl: \"Voor de vrijwilliger: bel {{name}}.\"\n";      // 19

std::string lint_text(const std::string& text) {
  auto out = parse_campaign(text, "x.yaml");
  if (!out.ok()) return "parse failed:\n" + format_findings(out.findings);
  return format_findings(lint(*out.campaign, default_channel_kinds(), SampleMessages(*out.campaign)));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(MessageLint, RefusesTemplatesWithoutSenderOrOptOut) {
  EXPECT_EQ(lint_text(kBase),
            "x.yaml:16:9: templates.hello.en.text: does not name the sender 'Herstelteam' (sent by sms)\n"
            "x.yaml:17:9: templates.hello.tr.text: has no opt-out (the optout partial, STOP or {{unsubscribe_url}}) (sent by sms)\n");
}

TEST(MessageLint, StopOrUnsubscribeLinkCountAsOptOut) {
  std::string text = replaced(kBase, "Merhaba {{name}}. {{sender}}", "Merhaba {{name}}. {{sender}} STOP");
  text = replaced(text, "Dear {{name}}. {{> optout}}", "Dear {{name}}. {{sender}} {{unsubscribe_url}}");
  EXPECT_EQ(lint_text(text), "");
}

TEST(MessageLint, TemplatesOnlySentThroughIntermediariesAreNotChecked) {
  std::string text = replaced(kBase, "channels: [sms, intermediary]", "channels: [intermediary]");
  EXPECT_EQ(lint_text(text), "");
}

TEST(MessageLint, EmailNeedsASubjectAndAnHtmlWithSenderAndOptOut) {
  std::string text = replaced(kBase, "channels: [sms, intermediary]", "channels: [email]");
  text = replaced(text, "    en: \"Dear {{name}}. {{> optout}}\"\n    tr: \"Merhaba {{name}}. {{sender}}\"\n",
                  "    en: {subject: Hello, text: \"Dear {{name}}. {{sender}} STOP\", html: \"<p>{{name}}</p>\"}\n");
  EXPECT_EQ(lint_text(text),
            "x.yaml:16:72: templates.hello.en.html: does not name the sender 'Herstelteam' (sent by email)\n"
            "x.yaml:16:72: templates.hello.en.html: has no opt-out (the optout partial, STOP or {{unsubscribe_url}}) (sent by email)\n"
            "x.yaml:15:9: templates.hello.nl.subject: e-mail needs a subject\n");
}

TEST(MessageLint, SenderWithHtmlCharactersIsFoundEscapedInHtml) {
  std::string text = replaced(kBase, "sender: Herstelteam", "sender: \"Team A&B\"");
  text = replaced(text, "channels: [sms, intermediary]", "channels: [email]");
  text = replaced(text, "    en: \"Dear {{name}}. {{> optout}}\"\n    tr: \"Merhaba {{name}}. {{sender}}\"\n", "");
  text = replaced(text, "    nl: \"Beste {{name}}. {{sender}} {{> optout}}\"\n",
                  "    nl: {subject: Hoi, text: \"{{sender}} STOP\", html: \"<p>{{sender}} STOP</p>\"}\n");
  EXPECT_EQ(lint_text(text), "");
}

TEST(MessageLint, LongSmsIsAWarning) {
  std::string long_text(7 * 153, 'a');
  std::string text = replaced(kBase, "Beste {{name}}.", "Beste {{name}}. " + long_text);
  text = replaced(text, "    en: \"Dear {{name}}. {{> optout}}\"\n    tr: \"Merhaba {{name}}. {{sender}}\"\n", "");
  EXPECT_EQ(lint_text(text),
            "x.yaml:15:9: warning: templates.hello.nl.text: needs 8 SMS parts (GSM-7, 1137 units)\n");
}

TEST(MessageLint, ExampleCampaignPassesLint) {
  const std::string file = "config/campaigns/herstel-rijnmond.yaml";
  auto out = parse_campaign(read_file(file), file);
  ASSERT_TRUE(out.ok()) << format_findings(out.findings);
  EXPECT_EQ(format_findings(lint(*out.campaign, default_channel_kinds(), SampleMessages(*out.campaign))), "");
}

TEST(MessageLint, SmsReportPerTemplateAndLanguage) {
  auto out = parse_campaign(kBase, "x.yaml");
  ASSERT_TRUE(out.ok());
  std::string report;
  for (const auto& r : sms_report(*out.campaign, SampleMessages(*out.campaign))) {
    report += r.template_id + "." + r.language + " " + to_string(r.sms.encoding) + " " +
              std::to_string(r.sms.characters) + " " + std::to_string(r.sms.segments) + "\n";
  }
  // Samples: name "Samira de Vries", reply number +3197010203040.
  EXPECT_EQ(report,
            "hello.en GSM-7 52 1\n"
            "hello.nl GSM-7 65 1\n"
            "hello.tr GSM-7 36 1\n"
            "peer.nl GSM-7 42 1\n");
}

TEST(MessageLint, ExampleSmsReportShowsUcs2ForTurkishAndArabic) {
  const std::string file = "config/campaigns/herstel-rijnmond.yaml";
  auto out = parse_campaign(read_file(file), file);
  ASSERT_TRUE(out.ok());
  std::map<std::string, SmsInfo> by;
  for (const auto& r : sms_report(*out.campaign, SampleMessages(*out.campaign))) by[r.template_id + "." + r.language] = r.sms;
  EXPECT_EQ(by.size(), 6u + 6u + 2u);
  EXPECT_EQ(by["first_contact.tr"].encoding, SmsEncoding::ucs2);
  EXPECT_EQ(by["first_contact.ar"].encoding, SmsEncoding::ucs2);
  EXPECT_EQ(by["first_contact.en"].encoding, SmsEncoding::gsm7);
  EXPECT_LE(by["first_contact.nl"].segments, 4);
}

TEST(MessageLint, PostThatDoesNotNameTheSenderIsAWarning) {
  // kBase without its en and tr texts (which lack sender or opt-out), then a post.
  const std::string base = replaced(replaced(kBase, "    tr: \"Merhaba {{name}}. {{sender}}\"\n", ""),
                                    "    en: \"Dear {{name}}. {{> optout}}\"\n", "");
  EXPECT_EQ(lint_text(base +
                      "  story:\n"                                    // 18
                      "    nl: \"Hulp nodig? Bel uw gemeente.\"\n"    // 19
                      "posts:\n"                                      // 20
                      "  - id: story\n"                               // 21
                      "    channel: facebook_page\n"                  // 22
                      "    template: story\n"),                       // 23
            "x.yaml:23:15: warning: posts[0].template: the post does not name the sender 'Herstelteam'\n");
}

TEST(MessageLint, SmsReportLeavesOutTemplatesOnlyPostsUse) {
  auto out = parse_campaign(std::string(kBase) + "  story:\n    nl: \"Hulp? {{sender}}\"\n"
                                                 "posts: [{id: story, channel: facebook_page, template: story}]\n",
                            "x.yaml");
  ASSERT_TRUE(out.campaign.has_value());
  for (const auto& r : sms_report(*out.campaign, SampleMessages(*out.campaign))) EXPECT_NE(r.template_id, "story");
}

}  // namespace
}  // namespace outreach::campaigns
