#include "channels/form_encoding.h"

#include <gtest/gtest.h>

namespace outreach::channels {
namespace {

TEST(FormEncoding, EncodesSpacesAsPlusAndEscapesReserved) {
  EXPECT_EQ(form_encode({{"To", "+31612345678"}, {"Body", "Hallo wereld & co=1"}}),
            "To=%2B31612345678&Body=Hallo+wereld+%26+co%3D1");
  EXPECT_EQ(form_escape("é"), "%C3%A9");
  EXPECT_EQ(form_escape("a-b.c_d*e~"), "a-b.c_d*e%7E");
}

TEST(FormEncoding, PercentEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(percent_encode("a b/c~"), "a%20b%2Fc~");
}

TEST(FormEncoding, DecodesPlusEscapesEmptyPairsAndBareNames) {
  auto f = form_decode("Body=Hallo+wereld%21&&From=%2B31612345678&Flag");
  ASSERT_TRUE(f.ok()) << f.error().what();
  ASSERT_EQ(f->size(), 3u);
  EXPECT_EQ((*f)[0], (std::pair<std::string, std::string>{"Body", "Hallo wereld!"}));
  EXPECT_EQ((*f)[1].second, "+31612345678");
  EXPECT_EQ((*f)[2], (std::pair<std::string, std::string>{"Flag", ""}));
}

TEST(FormEncoding, RoundTripsUtf8AndRepeatedNames) {
  FormFields in{{"a", "één twee"}, {"a", "x&y=z"}, {"ü", "%"}};
  EXPECT_EQ(form_decode(form_encode(in)).value(), in);
}

TEST(FormEncoding, BadEscapeNamesTheField) {
  auto f = form_decode("a=1&b=%G1");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().what(), "form body: bad percent-escape '%G1' in field 2");
  EXPECT_EQ(form_decode("a=%4").error().what(), "form body: bad percent-escape '%4' in field 1");
}

TEST(FormEncoding, ParsesQueryOfUrlAndTarget) {
  auto q = parse_query("https://example.org/hook?hub.mode=subscribe&hub.challenge=12%2034#frag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*find_field(*q, "hub.mode"), "subscribe");
  EXPECT_EQ(*find_field(*q, "hub.challenge"), "12 34");
  EXPECT_EQ(find_field(*q, "missing"), nullptr);
  EXPECT_TRUE(parse_query("/hook").value().empty());
  EXPECT_EQ(parse_query("/hook?x=%zz").error().what(), "query: bad percent-escape '%zz' in field 1");
}

}  // namespace
}  // namespace outreach::channels
