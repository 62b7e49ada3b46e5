// Keywords in every language act on consent: Arabic and Turkish STOP and YES in several
// spellings (diacritics, tatweel, alef variants, Turkish İ/ı and case), each confirmed in the
// person's language, and Dutch for a language without replies.
#include <gtest/gtest.h>

#include "engine/inbound.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class KeywordConsent : public EngineTest {
 protected:
  // Person n, speaking `language`, who got the first message of a campaign that asks for "share".
  std::int64_t contacted(int n, const std::string& language) {
    auto id = person(n);
    db->sqlite().exec("UPDATE contacts SET language = '" + language + "' WHERE id = " + std::to_string(id));
    launch(campaign_yaml("kw" + std::to_string(n), one_step()));
    run();
    return id;
  }
  core::Result<engine::InboundResult> reply(int n, const std::string& text) {
    engine::InboundProcessor inbound(*db, clock, config, &sms);
    return inbound.handle("sms", {"SM-" + std::to_string(++seq_), core::Urn::parse(phone_of(n)).take(), text, clock.now()});
  }
  bool has(std::int64_t contact, const std::string& purpose) {
    return storage::ConsentLedger(*db).has_consent(contact, purpose, "sms");
  }
  int seq_ = 0;
};

TEST_F(KeywordConsent, ArabicStopInSeveralSpellingsWithdrawsAndIsConfirmedInArabic) {
  int n = 0;
  for (const char* text : {"توقف", "تَوَقَّفْ", "تـوقـف", "إلغاء", "الغاء", "  توقف!  "}) {
    ++n;
    auto a = contacted(n, "ar");
    ASSERT_TRUE(has(a, "outreach")) << text;
    auto r = reply(n, text);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->keyword, engine::Keyword::stop) << text;
    EXPECT_EQ(r->consent_change, "withdrew outreach") << text;
    EXPECT_FALSE(has(a, "outreach")) << text;
    EXPECT_EQ(r->reply_text, "تم إلغاء اشتراكك ولن تصلك رسائل منا بعد الآن. هل غيرت رأيك؟ أرسل START.") << text;
  }
}

TEST_F(KeywordConsent, ArabicYesWithAndWithoutHarakatGrantsSharingAndOpensACase) {
  int n = 0;
  for (const char* text : {"نعم", "نَعَمْ", "نـعـم", "ﻧﻌﻢ"}) {
    ++n;
    auto a = contacted(n, "ar");
    auto r = reply(n, text);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->keyword, engine::Keyword::yes) << text;
    EXPECT_EQ(r->consent_change, "granted share:GM0599") << text;
    EXPECT_TRUE(has(a, "share:GM0599")) << text;
    EXPECT_TRUE(r->case_id.has_value()) << text;
    EXPECT_EQ(r->reply_text, "شكرا لك. سنرسل اسمك ورقمك إلى بلدية Gemeente GM0599. سيتصلون بك.") << text;
  }
}

TEST_F(KeywordConsent, TurkishStopAndYesInAnyCaseWithDottedAndDotlessI) {
  int n = 0;
  for (const char* text : {"DUR", "dur", "Dur", "DUR.", "İPTAL", "iptal", "IPTAL", "ıptal"}) {
    ++n;
    auto a = contacted(n, "tr");
    auto r = reply(n, text);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->keyword, engine::Keyword::stop) << text;
    EXPECT_FALSE(has(a, "outreach")) << text;
    EXPECT_EQ(r->reply_text,
              "Aboneliğiniz iptal edildi, artık bizden mesaj almayacaksınız. Fikrinizi mi değiştirdiniz? START gönderin.")
        << text;
  }
  for (const char* text : {"EVET", "evet", "Evet", "eVeT!"}) {
    ++n;
    auto a = contacted(n, "tr");
    auto r = reply(n, text);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->keyword, engine::Keyword::yes) << text;
    EXPECT_TRUE(has(a, "share:GM0599")) << text;
  }
  for (const char* text : {"HAYIR", "hayır", "Hayir"}) {
    ++n;
    auto a = contacted(n, "tr");
    auto r = reply(n, text);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->keyword, engine::Keyword::no) << text;
    EXPECT_EQ(r->consent_change, "") << "a no changes no consent";
    EXPECT_TRUE(has(a, "outreach")) << text;
    EXPECT_FALSE(has(a, "share:GM0599")) << text;
  }
}

TEST_F(KeywordConsent, AnyLanguagesWordWorksAndTheReplyIsInThePersonsLanguageElseDutch) {
  auto a = contacted(1, "pl");
  auto r = reply(1, "DUR");  // a Turkish word from a Polish speaker
  ASSERT_TRUE(r);
  EXPECT_EQ(r->keyword, engine::Keyword::stop);
  EXPECT_EQ(r->reply_text, "Wypisano Cię. Nie otrzymasz od nas więcej wiadomości. Zmiana zdania? Wyślij START.");
  auto start = reply(1, "start");
  ASSERT_TRUE(start);
  EXPECT_TRUE(has(a, "outreach"));
  EXPECT_EQ(start->reply_text, "Znowu będziesz otrzymywać od nas wiadomości. Aby zrezygnować, wyślij STOP.");
  contacted(2, "so");  // Somali: no replies configured
  auto so = reply(2, "STOP");
  ASSERT_TRUE(so);
  EXPECT_EQ(so->reply_text, "U bent afgemeld en krijgt geen berichten meer van ons. Toch weer berichten? Stuur START.");
}

}  // namespace
}  // namespace outreach::test
