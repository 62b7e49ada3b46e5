#include "campaigns/sms_segments.h"

#include <vector>

namespace outreach::campaigns {
namespace {

// Code points of the GSM-7 default alphabet outside printable ASCII, and the ASCII it lacks.
constexpr char32_t kBasicNonAscii[] = {
    U'£', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø', U'Å', U'å', U'Δ', U'Φ', U'Γ', U'Λ',
    U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U'¤', U'¡', U'Ä', U'Ö', U'Ñ', U'Ü',
    U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};
constexpr char32_t kExtension[] = {U'€', U'{', U'}', U'[', U']', U'^', U'~', U'\\', U'|', U'\f'};

// 1 or 2 septets, or 0 when the code point is not in GSM-7.
int septets(char32_t cp) {
  for (char32_t e : kExtension) {
    if (cp == e) return 2;
  }
  if (cp == U'\n' || cp == U'\r') return 1;
  if (cp >= 0x20 && cp <= 0x7E) return cp == U'`' ? 0 : 1;  // ` is the one ASCII it lacks
  for (char32_t b : kBasicNonAscii) {
    if (cp == b) return 1;
  }
  return 0;
}

std::vector<char32_t> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c >> 6) == 0x2;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Parts needed when each character has a width that may not be split across parts.
int parts(const std::vector<int>& widths, int total, int single, int per_part) {
  if (total == 0) return 0;
  if (total <= single) return 1;
  int count = 1, used = 0;
  for (int w : widths) {
    if (used + w > per_part) {
      ++count;
      used = 0;
    }
    used += w;
  }
  return count;
}

}  // namespace

const char* to_string(SmsEncoding e) { return e == SmsEncoding::gsm7 ? "GSM-7" : "UCS-2"; }

SmsInfo count_sms(std::string_view utf8) {
  const auto cps = decode_utf8(utf8);
  SmsInfo info;
  info.characters = static_cast<int>(cps.size());
  std::vector<int> widths;
  widths.reserve(cps.size());
  bool gsm = true;
  for (char32_t cp : cps) {
    const int w = septets(cp);
    if (w == 0) {
      gsm = false;
      break;
    }
    widths.push_back(w);
  }
  if (!gsm) {
    info.encoding = SmsEncoding::ucs2;
    widths.clear();
    for (char32_t cp : cps) widths.push_back(cp > 0xFFFF ? 2 : 1);
  }
  for (int w : widths) info.units += w;
  info.segments = gsm ? parts(widths, info.units, 160, 153) : parts(widths, info.units, 70, 67);
  return info;
}

}  // namespace outreach::campaigns
