// The JSON writer must give the bytes json_text() gives for the same value: the API's response list
// switched from nlohmann objects to it, and a client comparing or hashing pages must see no change.
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <random>

#include "core/json_text.h"

namespace outreach::core {
namespace {

std::string reference(std::string_view text) { return json_text(nlohmann::json(std::string(text))); }

std::string written(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, EscapesStringsAsNlohmannDoes) {
  for (std::string_view text : std::initializer_list<std::string_view>{"", "plain", "say \"hi\"", "back\\slash", "tab\tnew\nline\rcr", "\b\f", std::string_view("nul\0x", 5),
        "\x01\x1f\x7f", "slash / stays", "€ and ü and 😀", "</script>", "{{name}}"}) {
    EXPECT_EQ(written(text), reference(text)) << text;
  }
}

TEST(JsonWriter, RepairsInvalidUtf8AsNlohmannsReplaceHandler) {
  // Overlong, surrogate, truncated at the end, truncated mid-text, a lone continuation byte, above U+10FFFF.
  for (std::string_view text : std::initializer_list<std::string_view>{"\xC0\xAF", "a\xED\xA0\x80z", "ends in \xE2\x82", "mid \xE2\x82 text", "\x80", "\xF4\x90\x80\x80",
                                "ok \xC3\xA9 then \xFF and \"quoted\""}) {
    EXPECT_EQ(written(text), reference(text)) << text;
  }
}

TEST(JsonWriter, AnyBytesGiveNlohmannsText) {
  // Random short byte strings, biased to the bytes that matter (controls, quotes, UTF-8 lead and
  // continuation bytes): a fixed seed, so a failure names a reproducible input.
  std::mt19937 rng(20261127);
  const std::string alphabet = std::string("\"\\\b\f\n\r\t\x01\x1f\x7f az", 14) + "\xC2\xC3\xE2\xED\xF0\xF4\xF5\x80\x82\xA0\xBF\xFF";
  for (int n = 0; n < 20000; ++n) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(written(text), reference(text)) << testing::PrintToString(text);
  }
}

TEST(JsonWriter, NestedValuesMatchASortedNlohmannObject) {
  nlohmann::json expected = {{"a", nullptr},
                             {"b", {1, -2, "x"}},
                             {"c", {{"d", true}, {"e", false}, {"f", nlohmann::json::array()}}},
                             {"g", INT64_MIN},
                             {"h", nlohmann::json::object()}};
  JsonWriter w;
  w.begin_object().key("a").null().key("b").begin_array().value(std::int64_t{1}).value(std::int64_t{-2}).value("x");
  w.end_array().key("c").begin_object().key("d").value(true).key("e").value(false).key("f").begin_array().end_array();
  w.end_object().key("g").value(std::int64_t{INT64_MIN}).key("h").begin_object().end_object().end_object();
  EXPECT_EQ(w.text(), json_text(expected));
}

TEST(JsonWriter, MemberNamesThatNeedEscapingOrAreLongAreWrittenAsNlohmannWritesThem) {
  // Plain short names take a shortcut; these do not.
  const std::string quoted = "say \"hi\"", long_name(80, 'n'), accented = "caf\xC3\xA9", broken = "x\xFF";
  nlohmann::json expected = {{quoted, 1}, {long_name, 2}, {accented, 3}, {broken, 4}, {"plain", 5}};
  JsonWriter w;
  w.begin_object();
  // In nlohmann's (byte) order of the names.
  w.key(accented).value(std::int64_t{3}).key(long_name).value(std::int64_t{2}).key("plain").value(std::int64_t{5});
  w.key(quoted).value(std::int64_t{1}).key(broken).value(std::int64_t{4}).end_object();
  EXPECT_EQ(w.text(), expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST(JsonWriter, AnEmptyViewWithoutDataIsAnEmptyString) {
  EXPECT_EQ(written(std::string_view()), "\"\"");
  JsonWriter w;
  w.begin_object().key(std::string_view()).value(std::string_view()).end_object();
  EXPECT_EQ(w.text(), R"({"":""})");
}

TEST(JsonWriter, ArraysOfObjectsAreSeparated) {
  JsonWriter w;
  w.begin_array();
  for (int i = 0; i < 3; ++i) w.begin_object().key("i").value(std::int64_t{i}).end_object();
  w.end_array();
  EXPECT_EQ(w.take(), R"([{"i":0},{"i":1},{"i":2}])");
}

}  // namespace
}  // namespace outreach::core
