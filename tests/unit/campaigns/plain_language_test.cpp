// Promise lint and readability (campaigns/plain_language.h), and the text splitting and
// hyphenation behind them.
#include "campaigns/plain_language.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "campaigns/campaign_parser.h"
#include "campaigns/hyphenator.h"
#include "campaigns/plain_text.h"
#include "campaigns/sample_messages.h"
#include "tests/support/require_tool.h"

namespace outreach::campaigns {
namespace {

// A campaign with one template `hello` in the given languages: {"nl", "text"}, ...
Campaign campaign_with(const std::vector<std::pair<std::string, std::string>>& texts) {
  std::string yaml =
      "campaign: t\nname: T\nsender: Herstelteam\nreply_number: \"+3197010203040\"\n"
      "consent_purpose: outreach\naudience: {region: rijnmond}\n"
      "steps:\n  - id: one\n    channels: [sms]\n    template: hello\n"
      "templates:\n  hello:\n";
  for (const auto& [lang, text] : texts) yaml += "    " + lang + ": \"" + text + "\"\n";
  auto out = parse_campaign(yaml, "x.yaml");
  EXPECT_TRUE(out.ok()) << format_findings(out.findings);
  return *out.campaign;
}

std::string promises(const std::vector<std::pair<std::string, std::string>>& texts, int sla = 5) {
  PlainLanguageRules rules = PlainLanguageRules::defaults();
  rules.sla_working_days = sla;
  const Campaign c = campaign_with(texts);
  return format_findings(promise_findings(c, SampleMessages(c), rules));
}

TEST(PromiseLint, ADeadlineShorterThanTheCaseSlaIsAnErrorInDutch) {
  const std::string out = promises({{"nl", "De gemeente belt u binnen 3 werkdagen. STOP"}});
  EXPECT_NE(out.find("x.yaml:13:9: templates.hello.nl.text: promises \"binnen 3 werkdagen\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("5 working days"), std::string::npos) << out;
  EXPECT_EQ(out.find("warning"), std::string::npos) << "a deadline is an error, not a warning: " << out;
}

TEST(PromiseLint, ADeadlineShorterThanTheCaseSlaIsAnErrorInEnglish) {
  EXPECT_NE(promises({{"en", "We will call you within 2 days."}}).find("promises \"within 2 days\""),
            std::string::npos);
  EXPECT_NE(promises({{"en", "Expect a call within 48 hours."}}).find("promises \"within 48 hours\""),
            std::string::npos);
  EXPECT_NE(promises({{"en", "Within three business days you hear from us."}}).find("within three business days"),
            std::string::npos)
      << "number words and sentence case count too";
}

TEST(PromiseLint, ADeadlineTheSlaCanKeepPasses) {
  EXPECT_EQ(promises({{"nl", "U hoort binnen 5 werkdagen van de gemeente."}}), "");
  EXPECT_EQ(promises({{"nl", "U hoort binnen twee weken van de gemeente."}}), "");
  EXPECT_EQ(promises({{"en", "You hear from us within 10 working days."}}), "");
  EXPECT_EQ(promises({{"nl", "U hoort binnen 3 werkdagen van ons."}}, 2), "") << "a shorter SLA allows it";
}

TEST(PromiseLint, CalendarDaysAreComparedWithTheLongestTheSlaCanTake) {
  // 5 working days can span 7 calendar days (a case opened on a Friday evening).
  EXPECT_NE(promises({{"nl", "Binnen 5 dagen belt de gemeente."}}).find("binnen 5 dagen"), std::string::npos);
  EXPECT_EQ(promises({{"en", "We call you within a week."}}), "") << "a week is the longest 5 working days take";
  EXPECT_NE(promises({{"en", "We call you within 6 days."}}).find("within 6 days"), std::string::npos);
  EXPECT_EQ(promises({{"nl", "Binnen 7 dagen belt de gemeente."}}), "");
}

TEST(PromiseLint, TurkishAndPolishDeadlinesAreFound) {
  EXPECT_NE(promises({{"tr", "Belediye 2 gün içinde sizi arar."}}).find("2 gün içinde"), std::string::npos);
  EXPECT_NE(promises({{"pl", "Gmina zadzwoni w ciągu 3 dni roboczych."}}).find("w ciągu 3 dni roboczych"),
            std::string::npos);
}

TEST(PromiseLint, WordsOfCertaintyAreWarningsOnWordBoundaries) {
  const std::string out = promises({{"nl", "Wij garanderen dat u altijd geholpen wordt."}});
  EXPECT_NE(out.find("warning: templates.hello.nl.text: \"garanderen\" is a word of certainty"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\"altijd\""), std::string::npos) << out;
  EXPECT_EQ(promises({{"nl", "Heeft u een verzekering? Weet u het zeker?"}}).find("verzekering"), std::string::npos)
      << "zeker inside verzekering is no match";
  EXPECT_NE(promises({{"en", "We GUARANTEE help."}}).find("\"guarantee\""), std::string::npos) << "case folded";
  EXPECT_NE(promises({{"tr", "Her zaman yardım ederiz."}}).find("\"her zaman\""), std::string::npos) << "a phrase";
}

TEST(PromiseLint, TheCertaintyListIsConfigurablePerLanguage) {
  PlainLanguageRules rules;
  rules.certainty_words = {{"nl", {"beslist"}}};
  const Campaign c = campaign_with({{"nl", "Wij helpen u beslist. Altijd."}});
  auto out = format_findings(promise_findings(c, SampleMessages(c), rules));
  EXPECT_NE(out.find("\"beslist\""), std::string::npos) << out;
  EXPECT_EQ(out.find("altijd"), std::string::npos) << "only the configured words: " << out;
}

TEST(PlainText, SentencesEndAtStopsAndLineBreaksAndSkipAddresses) {
  auto s = split_sentences("Beste Anna. Hoe gaat het?\nKijk op https://example.nl/a. Mail info@example.nl!\nGroet");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].words, (std::vector<std::string>{"beste", "anna"}));
  EXPECT_EQ(s[2].words, (std::vector<std::string>{"kijk", "op"})) << "the URL is not a word";
  EXPECT_EQ(s[3].words, (std::vector<std::string>{"mail"}));
  EXPECT_EQ(s[4].words, (std::vector<std::string>{"groet"}));
  EXPECT_EQ(split_sentences("Oud-strijders, 's avonds: 12 euro.")[0].words,
            (std::vector<std::string>{"oud-strijders", "s", "avonds", "euro"}));
}

TEST(PlainText, FoldsLatinCaseIncludingTurkishDottedI) {
  EXPECT_EQ(fold_case("ÉÉN İSTANBUL Łódź ŞEHİR"), "één istanbul łódź şehir");
  EXPECT_EQ(fold_case("نعم"), "نعم") << "Arabic has no case";
  EXPECT_EQ(letter_count("één"), 3);
}

std::optional<Hyphenator> dutch() {
  auto h = Hyphenator::load("/usr/share/hyphen/hyph_nl_NL.dic");
  if (!h) return std::nullopt;
  return std::move(*h);
}

TEST(Hyphenator, CountsDutchSyllablesFromThePatterns) {
  auto nl = dutch();
  OUTREACH_REQUIRE_TOOL(nl.has_value(), "Debian package hyphen-nl is not installed");
  EXPECT_EQ(nl->syllables("gemeente"), 3);
  EXPECT_EQ(nl->syllables("kinderopvangtoeslag"), 6);
  EXPECT_EQ(nl->syllables("organisatie"), 5);
  EXPECT_EQ(nl->syllables("één"), 1) << "UTF-8 in, ISO-8859-1 patterns";
  EXPECT_EQ(nl->syllables("kat"), 1);
}

TEST(Hyphenator, AMissingPatternFileIsAClearError) {
  auto h = Hyphenator::load("/nonexistent/hyph_xx.dic");
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().what().find("/nonexistent/hyph_xx.dic"), std::string::npos);
}

TEST(Readability, FleschDoumaFromSyllablesAndSentenceLength) {
  auto nl = dutch();
  OUTREACH_REQUIRE_TOOL(nl.has_value(), "Debian package hyphen-nl is not installed");
  // 6 words of one syllable in one sentence: 206.84 - 0.77 * 100 - 0.93 * 6 = 124.26.
  auto c = campaign_with({{"nl", "De kat zit op de mat."}, {"tr", "Kedi paspasın üstünde."}});
  const std::map<std::string, const Hyphenator*> h = {{"nl", &*nl}};
  auto reports = readability(c, SampleMessages(c), h, ReadabilityLimits{});
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].language, "nl");
  EXPECT_EQ(reports[0].words, 6);
  EXPECT_EQ(reports[0].sentences, 1);
  ASSERT_TRUE(reports[0].flesch_douma);
  EXPECT_NEAR(*reports[0].flesch_douma, 124.26, 0.01);
  EXPECT_EQ(reports[0].line(), "hello nl: 6.0 words/sentence, 0% long words, Flesch-Douma 124");
  EXPECT_FALSE(reports[1].flesch_douma) << "no patterns for Turkish: no syllable score";
  EXPECT_EQ(reports[1].line(), "hello tr: 3.0 words/sentence, 0% long words");
  EXPECT_TRUE(readability_findings(c, reports, ReadabilityLimits{}).empty());
}

TEST(Readability, LongSentencesAndLongWordsAreWarningsAgainstTheB1Limits) {
  auto nl = dutch();
  OUTREACH_REQUIRE_TOOL(nl.has_value(), "Debian package hyphen-nl is not installed");
  auto c = campaign_with({{"nl",
                           "Wanneer u in aanmerking komt voor de kinderopvangtoeslaghersteloperatie dan verzoeken "
                           "wij u vriendelijk om contact op te nemen met de desbetreffende gemeentelijke "
                           "uitvoeringsorganisatie teneinde de mogelijkheden te bespreken."}});
  const std::map<std::string, const Hyphenator*> h = {{"nl", &*nl}};
  ReadabilityLimits b1;
  const std::string out = format_findings(readability_findings(c, readability(c, SampleMessages(c), h, b1), b1));
  EXPECT_NE(out.find("warning: templates.hello.nl.text: sentences average 28.0 words (B1: at most 15)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("letters or more (B1: at most 15%)"), std::string::npos) << out;
  EXPECT_NE(out.find("Flesch-Douma"), std::string::npos) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << "readability warns, it does not refuse";
}

}  // namespace
}  // namespace outreach::campaigns
