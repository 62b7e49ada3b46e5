#include "channels/mime_message.h"

#include <gtest/gtest.h>

#include <sstream>

namespace outreach::channels::mime {
namespace {

core::TimePoint at(const char* utc) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(utc, t)) << utc;
  return t;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find("\r\n", pos);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(pos, nl - pos));
    pos = nl + 2;
  }
  return out;
}

void expect_line_limits(const std::string& s, std::size_t limit = 76) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ASSERT_TRUE(i > 0 && s[i - 1] == '\r') << "bare LF at " << i;
    }
    if (s[i] == '\r') {
      ASSERT_TRUE(i + 1 < s.size() && s[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  for (const auto& line : lines_of(s)) EXPECT_LE(line.size(), limit) << line;
}

OutgoingMail sample() {
  OutgoingMail m;
  m.from_name = "Herstelteam Rijnmond – Gemeente";
  m.from_address = "outreach@gemeente.example.org";
  m.to_address = "ouder@example.org";
  m.reply_to = "reply+c1=3As1@gemeente.example.org";
  m.subject = "Hulp voor ouders: wij zoeken contact – neem gerust contact op";
  m.message_id = "c1=3As1.0123456789abcdef@gemeente.example.org";
  m.date = at("2026-11-22T20:41:39Z");
  m.text = "Beste ouder,\nWij willen u graag helpen. Kosten: 0 euro = gratis.\n";
  m.html = "<p>Beste ouder,</p><p>Wij willen u graag helpen.</p>";
  m.unsubscribe_url = "https://outreach.example.org/u/abc123";
  m.unsubscribe_mailto = "afmelden@gemeente.example.org";
  return m;
}

TEST(Base64, RoundTripsAllLengths) {
  std::string s;
  for (int i = 0; i < 20; ++i) {
    s += static_cast<char>(i * 37);
    auto back = base64_decode(base64_encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_FALSE(base64_decode("TW*u").ok());
}

TEST(QuotedPrintable, EncodesEqualsNonAsciiAndTrailingSpace) {
  EXPECT_EQ(qp_encode("a=b"), "a=3Db");
  EXPECT_EQ(qp_encode("café"), "caf=C3=A9");
  EXPECT_EQ(qp_encode("end \nnext"), "end=20\r\nnext");
  EXPECT_EQ(qp_encode("line1\r\nline2"), "line1\r\nline2");
}

TEST(QuotedPrintable, LongLinesGetSoftBreaksWithinSeventySix) {
  std::string text(200, 'x');
  text += " één=twee ";
  text += std::string(100, 'y');
  std::string enc = qp_encode(text);
  expect_line_limits(enc);
  EXPECT_NE(enc.find("=\r\n"), std::string::npos);
  EXPECT_EQ(qp_decode(enc), text);
}

TEST(QuotedPrintable, SoftBreakNeverSplitsAnEscape) {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "é";
  std::string enc = qp_encode(text);
  expect_line_limits(enc);
  for (const auto& line : lines_of(enc)) {
    std::string body = line.ends_with("=") ? line.substr(0, line.size() - 1) : line;
    EXPECT_EQ(body.size() % 3, 0u) << line;
  }
  EXPECT_EQ(qp_decode(enc), text);
}

TEST(QuotedPrintable, DecodeIsLenient) {
  EXPECT_EQ(qp_decode("a=3Db=\r\nc"), "a=bc");
  EXPECT_EQ(qp_decode("a=\nb"), "ab");
  EXPECT_EQ(qp_decode("100% =zz"), "100% =zz");
  EXPECT_EQ(qp_decode("trailing   \r\nx"), "trailing\r\nx");
}

// Found by fuzz/mime_fuzzer (corpus: fuzz/corpus/mime/qp-encoded-trailing-space): the decoder
// dropped trailing whitespace before a line break even when it was written as "=20" (data, not
// transport padding), so a line ending in a space lost it and qp_decode(qp_encode(x)) != x.
TEST(QuotedPrintable, AnEncodedTrailingSpaceIsKept) {
  EXPECT_EQ(qp_decode("Type:=20\r\nnext"), "Type: \r\nnext");
  EXPECT_EQ(qp_decode("tab=09  \nx"), "tab\t\nx") << "padding after the escape still goes";
  const char raw[] =
      "From: Jan <jan@example.nl>\r\nTo: reply+c1-s1-k3@outreach.example.org\r\nSubject: Automatisch "
      "antwContent-Type: \nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; \x06\0arset=koi8-r\r\n\r\n"
      "\xf0\xd2\xc9\xd7\xc5\xd4\r\n";
  const std::string text(raw, sizeof raw - 1);
  std::string crlf = text;
  crlf.replace(crlf.find("Type: \n"), 7, "Type: \r\n");
  EXPECT_EQ(qp_decode(qp_encode(text)), crlf);
}

// Found by fuzz/mime_fuzzer (corpus: fuzz/corpus/mime/qp-trailing-cr): a CR at the very end of the
// text was taken for the first half of a CRLF break and dropped.
TEST(QuotedPrintable, ACarriageReturnThatEndsTheTextIsKept) {
  EXPECT_EQ(qp_encode("ple.nl>\r"), "ple.nl>=0D");
  EXPECT_EQ(qp_encode("a\r\nb\r"), "a\r\nb=0D");
  EXPECT_EQ(qp_decode(qp_encode("Message-ID: <dsn1@mx.example.nl>\r")), "Message-ID: <dsn1@mx.example.nl>\r");
}

TEST(EncodedWords, DutchDashUsesQAndRoundTrips) {
  std::string enc = encode_header_words("Herstelteam Rijnmond – Gemeente", 4);
  EXPECT_EQ(enc, "=?UTF-8?Q?Herstelteam_Rijnmond_=E2=80=93_Gemeente?=");
  EXPECT_EQ(decode_header_words(enc), "Herstelteam Rijnmond – Gemeente");
}

TEST(EncodedWords, TurkishAndArabicFoldIntoShortWords) {
  const std::string turkish = "Çocuk yardımı mağdurları için ücretsiz destek: şimdi başvurun, ağabeyiniz de";
  const std::string arabic = "مساعدة مجانية للآباء المتضررين من قضية إعانة رعاية الأطفال في هولندا";
  for (const std::string& s : {turkish, arabic}) {
    std::string enc = encode_header_words(s, 7);
    std::string header = "Subject: " + enc;
    expect_line_limits(header);
    for (const auto& line : lines_of(header)) {
      std::size_t start = line.find("=?");
      ASSERT_NE(start, std::string::npos) << line;
      EXPECT_LE(line.size() - start, 75u) << line;
    }
    EXPECT_NE(enc.find("\r\n "), std::string::npos) << "expected folding";
    EXPECT_EQ(decode_header_words(enc), s);
  }
  EXPECT_TRUE(encode_header_words(arabic).starts_with("=?UTF-8?B?"));
}

TEST(EncodedWords, PlainAsciiStaysReadableAndFolds) {
  EXPECT_EQ(encode_header_words("Hulp bij herstel"), "Hulp bij herstel");
  std::string longer(40, 'a');
  longer += " " + std::string(40, 'b');
  EXPECT_EQ(encode_header_words(longer, 7), std::string(40, 'a') + "\r\n " + std::string(40, 'b'));
  // Something that looks like an encoded word is encoded so it cannot be misread.
  EXPECT_TRUE(encode_header_words("=?x?").starts_with("=?UTF-8?"));
}

TEST(EncodedWords, DecodesLatin1AndJoinsAdjacentWords) {
  EXPECT_EQ(decode_header_words("=?ISO-8859-1?Q?Caf=E9?= =?utf-8?b?w6lsw6k=?="), "Caféélé");
  EXPECT_EQ(decode_header_words("Re: =?UTF-8?Q?hulp?= nodig"), "Re: hulp nodig");
  EXPECT_EQ(decode_header_words("not =?encoded"), "not =?encoded");
}

TEST(Address, QuotesSpecialsAndEncodesNonAscii) {
  EXPECT_EQ(format_address("", "a@example.org"), "a@example.org");
  EXPECT_EQ(format_address("Gemeente Rotterdam", "a@example.org"), "Gemeente Rotterdam <a@example.org>");
  EXPECT_EQ(format_address("Team, \"Herstel\"", "a@example.org"), "\"Team, \\\"Herstel\\\"\" <a@example.org>");
  EXPECT_EQ(format_address("Ünal", "a@example.org"), "=?UTF-8?B?w5xuYWw=?= <a@example.org>");
  EXPECT_EQ(extract_address("\"Team, X\" <a@example.org>"), "a@example.org");
  EXPECT_EQ(extract_addresses("A <a@x.org>, b@y.org (Bee)"), (std::vector<std::string>{"a@x.org", "b@y.org"}));
}

TEST(Date, FormatsAndParsesRfc5322) {
  EXPECT_EQ(format_date(at("2026-11-22T20:41:39Z")), "Sun, 22 Nov 2026 20:41:39 +0000");
  EXPECT_EQ(format_date(at("2024-02-29T00:00:00Z")), "Thu, 29 Feb 2024 00:00:00 +0000");
  auto t = parse_date("Mon, 23 Nov 2026 09:15:02 +0100 (CET)");
  ASSERT_TRUE(t);
  EXPECT_EQ(core::format_utc(*t), "2026-11-23T08:15:02.000Z");
  auto t2 = parse_date("23 Nov 26 09:15 GMT");
  ASSERT_TRUE(t2);
  EXPECT_EQ(core::format_utc(*t2), "2026-11-23T09:15:00.000Z");
  EXPECT_FALSE(parse_date("yesterday"));
}

TEST(Charset, BodiesInLegacyCharsetsBecomeUtf8) {
  auto text_of = [](const std::string& charset, const std::string& body) {
    auto m = parse_message("Content-Type: text/plain; charset=" + charset + "\r\n\r\n" + body);
    return m ? m->text() : "error: " + m.error().what();
  };
  EXPECT_EQ(text_of("iso-8859-1", "caf\xE9"), "café");
  EXPECT_EQ(text_of("\"windows-1252\"", "\x80 5"), "€ 5");
  EXPECT_EQ(text_of("iso-8859-9", "\xDD\xFE\xF0"), "İşğ");
  EXPECT_EQ(text_of("windows-1254", "\xDD\xFE\xF0"), "İşğ");
  EXPECT_EQ(text_of("koi8-r", "\xF0\xD2\xC9\xD7\xC5\xD4"), "Привет");
  EXPECT_EQ(text_of("utf-16", std::string("\xFF\xFEh\0i\0", 6)), "hi");
}

TEST(Charset, UnknownCharsetsAndBadBytesBecomeReplacementCharacters) {
  auto text_of = [](const std::string& charset, const std::string& body) {
    auto m = parse_message("Content-Type: text/plain; charset=" + charset + "\r\n\r\n" + body);
    return m ? m->text() : "error: " + m.error().what();
  };
  EXPECT_EQ(text_of("utf-8", "ok\xFF"), "ok\xEF\xBF\xBD");
  EXPECT_EQ(text_of("x-martian", "ok\xE9"), "ok\xEF\xBF\xBD");
  std::string five_fffd;
  for (int i = 0; i < 5; ++i) five_fffd += "\xEF\xBF\xBD";
  EXPECT_EQ(text_of("utf-8", "\xC0\xAF\xED\xA0\x80"), five_fffd);
  EXPECT_EQ(decode_header_words("=?koi8-r?B?8NLJ18XU?="), "Привет");
  EXPECT_EQ(decode_header_words("=?iso-8859-9?Q?=DD=FE?= ok"), "İş ok");
  EXPECT_EQ(decode_header_words("=?x-martian?Q?a=E9?="), "a\xEF\xBF\xBD");
  EXPECT_EQ(decode_header_words("Caf\xE9"), "Caf\xEF\xBF\xBD");
}

TEST(BuildMessage, HeadersAreCompleteAndLinesShort) {
  std::string m = build_message(sample());
  expect_line_limits(m);
  EXPECT_NE(m.find("From: =?UTF-8?Q?Herstelteam_Rijnmond_=E2=80=93_Gemeente?=\r\n <outreach@gemeente.example.org>\r\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\r\nTo: ouder@example.org\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nReply-To: reply+c1=3As1@gemeente.example.org\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nDate: Sun, 22 Nov 2026 20:41:39 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMessage-ID: <c1=3As1.0123456789abcdef@gemeente.example.org>\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nList-Unsubscribe: <https://outreach.example.org/u/abc123>,\r\n "
                   "<mailto:afmelden@gemeente.example.org>\r\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
}

TEST(BuildMessage, ParsesBackIntoAlternativeParts) {
  OutgoingMail mail = sample();
  auto parsed = parse_message(build_message(mail));
  ASSERT_TRUE(parsed.ok()) << parsed.error().what();
  EXPECT_EQ(parsed->media_type(), "multipart/alternative");
  ASSERT_EQ(parsed->parts.size(), 2u);
  EXPECT_EQ(parsed->parts[0].media_type(), "text/plain");
  EXPECT_EQ(parsed->parts[0].content_type_param("charset"), "utf-8");
  EXPECT_EQ(*parsed->parts[0].header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(parsed->parts[0].text(), mail.text);
  EXPECT_EQ(parsed->parts[1].media_type(), "text/html");
  EXPECT_EQ(parsed->parts[1].text(), mail.html);
  EXPECT_EQ(decode_header_words(*parsed->header("Subject")), mail.subject);
  EXPECT_EQ(decode_header_words(*parsed->header("From")),
            "Herstelteam Rijnmond – Gemeente <outreach@gemeente.example.org>");
  EXPECT_EQ(parse_message_ids(*parsed->header("Message-ID")).at(0), mail.message_id);
}

TEST(BuildMessage, TextOnlyWhenHtmlIsEmpty) {
  OutgoingMail mail = sample();
  mail.html.clear();
  mail.unsubscribe_url.clear();
  std::string m = build_message(mail);
  EXPECT_EQ(m.find("multipart"), std::string::npos);
  EXPECT_EQ(m.find("List-Unsubscribe-Post"), std::string::npos);
  EXPECT_NE(m.find("List-Unsubscribe: <mailto:afmelden@gemeente.example.org>\r\n"), std::string::npos);
  auto parsed = parse_message(m);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->media_type(), "text/plain");
  EXPECT_EQ(parsed->text(), mail.text);
}

TEST(ParseMessage, NestedMultipartWithBase64Latin1AndLfEndings) {
  const std::string raw =
      "From: a@example.org\n"
      "Subject: test\n"
      "Content-Type: multipart/mixed; boundary=outer\n"
      "\n"
      "--outer\n"
      "Content-Type: multipart/alternative;\n"
      "  boundary=\"inner\"\n"
      "\n"
      "--inner\n"
      "Content-Type: text/plain; charset=\"ISO-8859-1\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "Q2Fm6SBvcGVu\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: application/pdf\n"
      "\n"
      "%PDF\n"
      "--outer--\n";
  auto parsed = parse_message(raw);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->parts.size(), 2u);
  ASSERT_EQ(parsed->parts[0].parts.size(), 1u);
  const Part* plain = parsed->find("text/plain");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->text(), "Café open");
  EXPECT_EQ(parsed->parts[1].body, "%PDF");
  EXPECT_FALSE(parse_message("   ").ok());
}

}  // namespace
}  // namespace outreach::channels::mime
