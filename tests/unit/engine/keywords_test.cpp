// The keyword file: the shipped config/keywords.yaml, matching in six languages, replies with the
// nl fallback, and whole error messages for a bad file (file, line, field).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/keywords.h"

namespace outreach::engine {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Keywords, TheShippedFileParsesAndIsTheDefault) {
  auto parsed = parse_keywords(read_file(std::string(OUTREACH_SOURCE_DIR) + "/config/keywords.yaml"), "config/keywords.yaml");
  ASSERT_TRUE(parsed) << parsed.error().what();
  for (const char* lang : {"nl", "en", "tr", "ar", "pl", "pap"}) {
    ASSERT_TRUE(parsed->languages.count(lang)) << lang;
    for (Keyword k : {Keyword::stop, Keyword::undo, Keyword::yes, Keyword::help, Keyword::error}) {
      EXPECT_FALSE(parsed->languages.at(lang).words[k].empty()) << lang << " " << to_string(k);
      EXPECT_FALSE(parsed->languages.at(lang).replies[k].empty()) << lang << " " << to_string(k);
    }
  }
  EXPECT_EQ(default_keywords().index, parsed->index);
}

TEST(Keywords, StopAndYesInSeveralSpellingsPerLanguage) {
  const KeywordConfig k = default_keywords();
  for (const char* text : {"STOP", "stop", " stóp ", "Stop!", "Stoppen", "afmelden", "DUR", "dur", "Dur.", "İPTAL",
                           "iptal", "IPTAL", "توقف", "تـوقـف", "تَوَقَّفْ", "إلغاء", "الغاء", "KONIEC", "wypisz"}) {
    EXPECT_EQ(k.classify(text), Keyword::stop) << text;
  }
  for (const char* text : {"JA", "ja", "Ja!", "YES", "EVET", "evet", "Evet", "EVET.", "نعم", "نَعَم", "نَعَمْ", "ﻧﻌﻢ",
                           "TAK", "tak", "SI", "Sí", "naam"}) {
    EXPECT_EQ(k.classify(text), Keyword::yes) << text;
  }
  for (const char* text : {"HAYIR", "hayır", "Hayir", "لا", "NEE", "nie", "no"}) {
    EXPECT_EQ(k.classify(text), Keyword::no) << text;
  }
  for (const char* text : {"FOUT", "fout", "ERROR", "HATA", "hata", "خطأ", "خطا", "BŁĄD", "blad", "EROR"}) {
    EXPECT_EQ(k.classify(text), Keyword::error) << text;
  }
  for (const char* text : {"HULP", "help", "YARDIM", "yardım", "مساعدة", "مساعده", "POMOC", "YUDA"}) {
    EXPECT_EQ(k.classify(text), Keyword::help) << text;
  }
  EXPECT_EQ(k.classify("START"), Keyword::undo);
  EXPECT_EQ(k.classify("başla"), Keyword::undo);
  EXPECT_EQ(k.classify("please stop calling at night"), Keyword::none);
  EXPECT_EQ(k.classify("نعم شكرا"), Keyword::none);
  EXPECT_EQ(k.classify(""), Keyword::none);
}

TEST(Keywords, RepliesInTheLanguageElseDutch) {
  const KeywordConfig k = default_keywords();
  EXPECT_EQ(k.reply(Keyword::stop, "nl"),
            "U bent afgemeld en krijgt geen berichten meer van ons. Toch weer berichten? Stuur START.");
  EXPECT_EQ(k.reply(Keyword::stop, "so"), k.reply(Keyword::stop, "nl")) << "Somali has no replies: Dutch";
  EXPECT_EQ(k.reply(Keyword::stop, ""), k.reply(Keyword::stop, "nl"));
  EXPECT_NE(k.reply(Keyword::stop, "tr"), k.reply(Keyword::stop, "nl"));
  EXPECT_EQ(k.reply(Keyword::yes, "tr", "Rotterdam"),
            "Teşekkürler. Adınızı ve numaranızı Rotterdam belediyesine ileteceğiz. Sizinle iletişime geçecekler.");
  EXPECT_EQ(k.reply(Keyword::no, "nl"), "") << "a no is only recorded";
}

TEST(Keywords, ARepliesBlockWithoutALanguageFallsBackPerReply) {
  auto k = parse_keywords("languages:\n"
                          "  nl:\n    stop: [STOP]\n    replies: {stop: Afgemeld., start: Aan., yes: Ja., help: Hulp., error: Fout.}\n"
                          "  tr:\n    stop: [DUR]\n    replies: {stop: Durduruldu.}\n",
                          "k.yaml");
  ASSERT_TRUE(k) << k.error().what();
  EXPECT_EQ(k->reply(Keyword::stop, "tr"), "Durduruldu.");
  EXPECT_EQ(k->reply(Keyword::help, "tr"), "Hulp.");
}

std::string error_of(const std::string& yaml) {
  auto k = parse_keywords(yaml, "config/keywords.yaml");
  return k ? std::string("(parsed)") : k.error().what();
}

const std::string kNlReplies = "    replies: {stop: a, start: b, yes: c, help: d, error: e}\n";

TEST(Keywords, BadFilesNameFileLineAndField) {
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP\n"),
            "config/keywords.yaml:4:1: end of sequence flow not found");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n    stopp: [STOPPEN]\n" + kNlReplies),
            "config/keywords.yaml:4: languages.nl.stopp: unknown keyword kind (expected stop, start, yes, no, help, "
            "error, replies)");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n" + kNlReplies + "  tr:\n    yes: [EVET, stop]\n"),
            "config/keywords.yaml:6: languages.tr.yes[1]: 'stop' is already a stop word (languages.nl.stop[0])");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: STOP\n" + kNlReplies),
            "config/keywords.yaml:3: languages.nl.stop: expected a list of words");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [\"!!\"]\n" + kNlReplies),
            "config/keywords.yaml:3: languages.nl.stop[0]: '!!' has no letter or digit to match");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n    replies: {stop: a, start: b, yes: c, help: d}\n"),
            "config/keywords.yaml:3: languages.nl.replies.error: missing (nl is the fallback of every language)");
  EXPECT_EQ(error_of("languages:\n  en:\n    stop: [STOP]\n"),
            "config/keywords.yaml:1: languages.nl: missing (nl is the fallback of every language)");
}

// A stop word saved in Latin-1 would never match a reply, and a control character in a reply text
// would reach a resident: the file is refused where the byte is.
TEST(Keywords, BytesThatAreNotUtf8OrAreControlCharactersAreRefusedWhereTheyAre) {
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP, STOPP\xC9N]\n" + kNlReplies),
            "config/keywords.yaml:3:23: not valid UTF-8 (byte 0xC9): save the file as UTF-8");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n    replies: {stop: \"a\x01\", start: b, yes: c, help: d, error: e}\n"),
            "config/keywords.yaml:4:23: control character U+0001 is not allowed in a keywords file (only tabs and line ends)");
  // The same characters written as escapes in quotes.
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n    replies: {stop: \"Afgemeld\\e[5m\", start: b, yes: c, help: d, error: e}\n"),
            "config/keywords.yaml:4: languages.nl.replies.stop: control character U+001B is not allowed in a text (only tabs "
            "and line breaks): remove the escape that writes it, such as \\a, \\e or \\u0007");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [\"STOP\\0\"]\n" + kNlReplies),
            "config/keywords.yaml:3: languages.nl.stop[0]: control character U+0000 is not allowed in a text (only tabs "
            "and line breaks): remove the escape that writes it, such as \\a, \\e or \\u0007");
  EXPECT_EQ(error_of("languages:\n  nl:\n    stop: [STOP]\n    replies: {stop: \"Afgemeld\\_nu\", start: b, yes: c, help: d, error: e}\n"),
            "config/keywords.yaml:4: languages.nl.replies.stop: an escape in this text gives bytes that are not UTF-8 (\\N "
            "and \\_ do): write the character itself");
}

}  // namespace
}  // namespace outreach::engine
