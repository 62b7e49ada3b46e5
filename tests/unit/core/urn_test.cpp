#include "core/urn.h"

#include <gtest/gtest.h>

namespace outreach::core {
namespace {

std::string phone(const char* raw) {
  auto r = normalise_phone(raw);
  return r ? *r : "error: " + r.error().what();
}

TEST(NormalisePhone, DutchMobileSpellingsAllBecomeE164) {
  EXPECT_EQ(phone("06-12345678"), "+31612345678");
  EXPECT_EQ(phone("06 1234 5678"), "+31612345678");
  EXPECT_EQ(phone("+31 6 12345678"), "+31612345678");
  EXPECT_EQ(phone("0031612345678"), "+31612345678");
  EXPECT_EQ(phone("+31(0)612345678"), "+31612345678");
}

TEST(NormalisePhone, DutchLandlineAndForeignNumbers) {
  EXPECT_EQ(phone("010-1234567"), "+31101234567");
  EXPECT_EQ(phone("+5999 461 2345"), "+59994612345");  // Curacao
  EXPECT_EQ(phone("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(phone("+49 30 901820"), "+4930901820");
}

TEST(NormalisePhone, GarbageIsRefusedWithTheInputNamed) {
  EXPECT_EQ(phone("banaan"), "error: 'banaan' is not a phone number");
  EXPECT_EQ(phone("0612"), "error: '0612' is not a valid phone number");
  EXPECT_EQ(phone(""), "error: phone number is empty");
  EXPECT_EQ(phone("+31 6 1234 56789 0"), "error: '+31 6 1234 56789 0' is not a valid phone number");
}

TEST(NormaliseEmail, LowercasesDomainAndKeepsLocalPart) {
  EXPECT_EQ(*normalise_email("  Fatma.Yilmaz@Example.ORG "), "Fatma.Yilmaz@example.org");
}

TEST(NormaliseEmail, RefusesMalformedAddresses) {
  for (const char* bad : {"no-at-sign", "a@b", "a@@example.org", ".a@example.org", "a..b@example.org",
                          "a b@example.org", "a@-example.org", "a@example..org", "@example.org"}) {
    EXPECT_FALSE(normalise_email(bad).ok()) << bad;
  }
}

TEST(Urn, ParseNormalisesEachScheme) {
  EXPECT_EQ(Urn::parse("tel:0612345678")->str(), "tel:+31612345678");
  EXPECT_EQ(Urn::parse("mailto:A@Example.org")->str(), "mailto:A@example.org");
  EXPECT_EQ(Urn::parse("whatsapp:+31 6 12345678")->str(), "whatsapp:31612345678");
  EXPECT_EQ(Urn::parse("whatsapp:31612345678")->str(), "whatsapp:31612345678");
  EXPECT_EQ(Urn::parse("telegram:123456789")->str(), "telegram:123456789");
}

TEST(Urn, UnknownSchemeIsNamed) {
  auto r = Urn::parse("fax:0101234567");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what(),
            "unknown address scheme 'fax' (expected tel, mailto, whatsapp, messenger, telegram, "
            "intermediary or page)");
}

TEST(Urn, PageIsNeverAPersonsAddress) {
  EXPECT_EQ(Urn::parse("page:facebook_page").error().what(),
            "'page:facebook_page' names a public page, not a person's address");
  EXPECT_EQ(Urn::page("facebook_page")->str(), "page:facebook_page");
  EXPECT_EQ(Urn::trusted("page:facebook_page")->scheme(), UrnScheme::page);
  EXPECT_FALSE(Urn::page("").ok());
}

}  // namespace
}  // namespace outreach::core
