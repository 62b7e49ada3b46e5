#include "core/text_encoding.h"

#include <gtest/gtest.h>

namespace outreach::core {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string decoded(std::string_view bytes) {
  auto r = decode_text_file(bytes);
  return r ? r->encoding + ": " + r->text : "error: " + r.error().what();
}

TEST(Utf8, ValidTextIsValid) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));
}

TEST(Utf8, TheClassicBadSequencesAreInvalidAndNamedByOffset) {
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);           // lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xC3\x28"), 0u);         // lead byte without continuation
  EXPECT_EQ(first_invalid_utf8("x\xC0\xAF"), 1u);        // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);     // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);     // CESU-8 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u); // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("Caf\xE9"), 3u);           // cp1252 "Café"
  EXPECT_EQ(first_invalid_utf8("\xE2\x82"), 0u);         // truncated
}

TEST(Utf8, RepairReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(repair_utf8("Caf\xC3\xA9"), "Caf\xC3\xA9");
  EXPECT_EQ(repair_utf8("Caf\xE9!"), "Caf" + kFffd + "!");
  EXPECT_EQ(repair_utf8("\xC3\x28"), kFffd + "(");
  EXPECT_EQ(repair_utf8("\xC0\xAF"), kFffd + kFffd);
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);
  EXPECT_TRUE(is_valid_utf8(repair_utf8("\x80\xFF\xFE\xC3")));
}

TEST(YamlText, TheFirstBadByteIsNamedWithItsLineAndColumn) {
  EXPECT_FALSE(check_yaml_text("a: b\r\n\tc: \"d\te\"\n", "campaign file")) << "tab, CR and LF are allowed";
  auto latin1 = check_yaml_text("a: b\nname: Jos\xE9\n", "campaign file");
  ASSERT_TRUE(latin1);
  EXPECT_EQ(latin1->line, 2);
  EXPECT_EQ(latin1->column, 10);
  EXPECT_EQ(latin1->message, "not valid UTF-8 (byte 0xE9): save the file as UTF-8");
  auto del = check_yaml_text("x\x7F", "keywords file");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->line, 1);
  EXPECT_EQ(del->column, 2);
  EXPECT_EQ(del->message, "control character U+007F is not allowed in a keywords file (only tabs and line ends)");
  auto nul = check_yaml_text(std::string_view("a\n\nb\0", 5), "configuration file");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->line, 3);
  EXPECT_EQ(nul->column, 2);
  auto c1 = check_yaml_text("tekst: \"a\xC2\x9B[31m\"", "campaign file");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->column, 10);
  EXPECT_EQ(c1->message, "control character U+009B is not allowed in a campaign file (only tabs and line ends)");
  // Valid UTF-8 above ASCII (é, €, U+00A0) is text, not a fault.
  EXPECT_FALSE(check_yaml_text("naam: Jos\xC3\xA9 \xE2\x82\xAC \xC2\xA0", "campaign file"));
}

TEST(ControlCharacters, C0ButTabAndLineEndsDelAndC1AreFoundByCodePoint) {
  EXPECT_FALSE(first_control_character("Beste Jos\xC3\xA9,\r\n\tTot ziens \xC2\xA0\xE2\x82\xAC"));
  for (const std::string& text : {std::string("a\0b", 3), std::string("a\x07"), std::string("a\x1B[31m"),
                                 std::string("a\x7F"), std::string("a\xC2\x85"), std::string("a\xC2\x9F")}) {
    auto at = first_control_character(text);
    ASSERT_TRUE(at) << text;
    EXPECT_EQ(*at, 1u) << text;
  }
  EXPECT_EQ(control_character_name("a\x1B[31m", 1), "U+001B");
  EXPECT_EQ(control_character_name("a\xC2\x85", 1), "U+0085");
}

TEST(Cp1252, HighBytesMapPerCodePageAndUndefinedBytesAreRefused) {
  EXPECT_EQ(*decode_cp1252("Caf\xE9 \x80 5 \x93ok\x94"), "Café € 5 “ok”");
  std::size_t bad = 0;
  EXPECT_FALSE(decode_cp1252("ab\x81", &bad));
  EXPECT_EQ(bad, 2u);
  for (char b : {'\x81', '\x8D', '\x8F', '\x90', '\x9D'}) EXPECT_FALSE(decode_cp1252(std::string(1, b)));
}

TEST(ToUtf8, CharsetsGoThroughIconv) {
  EXPECT_EQ(to_utf8("caf\xE9", "ISO-8859-1"), "café");
  EXPECT_EQ(to_utf8("\x80 5", "windows-1252"), "€ 5");
  EXPECT_EQ(to_utf8("\xDD\xFE\xF0", "iso-8859-9"), "İşğ");
  EXPECT_EQ(to_utf8("\xDD\xFE\xF0", "windows-1254"), "İşğ");
  EXPECT_EQ(to_utf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r"), "Привет");
  EXPECT_EQ(to_utf8(std::string("\xFF\xFEh\0i\0", 6), "utf-16"), "hi");
  EXPECT_EQ(to_utf8(std::string("\0h\0i", 4), "UTF-16BE"), "hi");
}

TEST(ToUtf8, UnknownCharsetsAndBadBytesBecomeReplacementCharacters) {
  EXPECT_EQ(to_utf8("ok\xFF", "utf-8"), "ok" + kFffd);
  EXPECT_EQ(to_utf8("ok\xE9", "x-no-such-charset"), "ok" + kFffd);
  EXPECT_EQ(to_utf8("a\x81z", "windows-1252"), "a" + kFffd + "z");
  EXPECT_EQ(to_utf8("a\x80z", "us-ascii"), "a" + kFffd + "z");
  EXPECT_EQ(to_utf8("a\xFFz", "shift_jis"), "a" + kFffd + "z");
  EXPECT_EQ(to_utf8(std::string("h\0\x00\xDC", 4), "utf-16le"), "h" + kFffd);  // lone low surrogate
  EXPECT_TRUE(is_valid_utf8(to_utf8("\xED\xA0\x80", "utf-8")));
}

TEST(DecodeTextFile, DetectsUtf8BomUtf16AndWindows1252) {
  EXPECT_EQ(decoded("name\nCaf\xC3\xA9\n"), "UTF-8: name\nCafé\n");
  EXPECT_EQ(decoded("\xEF\xBB\xBFname\nCaf\xC3\xA9\n"), "UTF-8 with BOM: name\nCafé\n");
  EXPECT_EQ(decoded("name\nCaf\xE9\n"), "Windows-1252: name\nCafé\n");
  EXPECT_EQ(decoded(std::string("\xFF\xFE" "C\0\xE9\0\n\0", 8)), "UTF-16LE: Cé\n");
  EXPECT_EQ(decoded(std::string("\xFE\xFF" "\0C\0\xE9", 6)), "UTF-16BE: Cé");
}

TEST(DecodeTextFile, UndecodableBytesNameLineAndColumn) {
  EXPECT_EQ(decoded("name\nab\x81" "c\n"), "error: line 2, column 3: byte 0x81 is neither UTF-8 nor Windows-1252 text");
  EXPECT_EQ(decoded("\xEF\xBB\xBFname\nok\nx\xE9\n"),
            "error: line 3, column 2: byte 0xE9 is not UTF-8, although the file starts with a UTF-8 byte order mark");
  EXPECT_EQ(decoded(std::string("na\0me", 5)),
            "error: line 1, column 3: NUL byte (this is not a text file, or it is UTF-16 without a byte order mark)");
  EXPECT_EQ(decoded(std::string("\xFF\xFE" "a\0\n\0\x00\xD8\n\0", 10)), "error: line 2, column 1: unpaired UTF-16 surrogate");
}

}  // namespace
}  // namespace outreach::core
