#include "campaigns/sms_segments.h"

#include <gtest/gtest.h>

#include <string>

namespace outreach::campaigns {
namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// "GSM-7 160/1" style summary: encoding, units, segments.
std::string sms(const std::string& text) {
  const SmsInfo i = count_sms(text);
  return std::string(to_string(i.encoding)) + " " + std::to_string(i.units) + "/" + std::to_string(i.segments);
}

TEST(SmsSegments, EmptyTextNeedsNoParts) { EXPECT_EQ(sms(""), "GSM-7 0/0"); }

TEST(SmsSegments, Gsm7BoundaryAt160) {
  EXPECT_EQ(sms(repeat("a", 160)), "GSM-7 160/1");
  EXPECT_EQ(sms(repeat("a", 161)), "GSM-7 161/2");
}

TEST(SmsSegments, Gsm7MultipartIs153PerPart) {
  EXPECT_EQ(sms(repeat("a", 306)), "GSM-7 306/2");
  EXPECT_EQ(sms(repeat("a", 307)), "GSM-7 307/3");
}

TEST(SmsSegments, ExtensionCharactersCountDouble) {
  EXPECT_EQ(sms("{}[]^~\\|€"), "GSM-7 18/1");
  EXPECT_EQ(sms(repeat("a", 158) + "€"), "GSM-7 160/1");
  EXPECT_EQ(sms(repeat("a", 159) + "€"), "GSM-7 161/2");
}

TEST(SmsSegments, EscapePairIsNotSplitAcrossParts) {
  // 152 septets then a euro (2): it does not fit in part one's last septet, so it moves on.
  EXPECT_EQ(count_sms(repeat("a", 152) + "€" + repeat("a", 152)).segments, 3);
  EXPECT_EQ(count_sms(repeat("a", 151) + "€" + repeat("a", 153)).segments, 2);
}

TEST(SmsSegments, LettersInTheGsm7BasicSetStayGsm7) {
  const SmsInfo i = count_sms("é è à ü ö Ä Ö Ñ Ü ñ Ç ß £ ¿ ¡ §");
  EXPECT_EQ(i.encoding, SmsEncoding::gsm7);
  EXPECT_EQ(i.characters, 31);
  EXPECT_EQ(i.units, 31);
}

TEST(SmsSegments, DutchAndTurkishLettersForceUcs2) {
  for (const char* s : {"Beëindigd", "ruïne", "Dankzij ó", "Yaşar", "Işık", "çay", "ğ"}) {
    EXPECT_EQ(count_sms(s).encoding, SmsEncoding::ucs2) << s;
  }
  EXPECT_EQ(sms("financiële hulp"), "UCS-2 15/1");
}

TEST(SmsSegments, Ucs2BoundaryAt70And67PerPart) {
  EXPECT_EQ(sms("ë" + repeat("a", 69)), "UCS-2 70/1");
  EXPECT_EQ(sms("ë" + repeat("a", 70)), "UCS-2 71/2");
  EXPECT_EQ(sms("ë" + repeat("a", 133)), "UCS-2 134/2");
  EXPECT_EQ(sms("ë" + repeat("a", 134)), "UCS-2 135/3");
}

TEST(SmsSegments, ArabicIsUcs2) {
  const SmsInfo i = count_sms("مرحباً");
  EXPECT_EQ(i.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(i.characters, 6);
  EXPECT_EQ(i.units, 6);
  EXPECT_EQ(i.segments, 1);
}

TEST(SmsSegments, EmojiTakeTwoUtf16Units) {
  const SmsInfo i = count_sms("Hoi 🙂");
  EXPECT_EQ(i.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(i.characters, 5);
  EXPECT_EQ(i.units, 6);
  EXPECT_EQ(sms(repeat("a", 68) + "🙂"), "UCS-2 70/1");
  EXPECT_EQ(sms(repeat("a", 69) + "🙂"), "UCS-2 71/2");
}

TEST(SmsSegments, BacktickIsNotGsm7) { EXPECT_EQ(count_sms("`").encoding, SmsEncoding::ucs2); }

TEST(SmsSegments, InvalidUtf8CountsAsReplacementCharacter) {
  EXPECT_EQ(sms(std::string("ab\xff")), "UCS-2 3/1");
}

}  // namespace
}  // namespace outreach::campaigns
