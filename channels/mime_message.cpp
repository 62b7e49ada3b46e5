#include "channels/mime_message.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "core/text.h"
#include "core/text_encoding.h"

namespace outreach::channels::mime {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::size_t kMaxLine = 76;
constexpr std::size_t kMaxEncodedWord = 75;
constexpr int kMaxDepth = 16;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using core::trim;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && b < 0xC2) return 0;  // overlong
  return n;
}

bool is_plain_ascii(std::string_view s) {
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F) return false;
  }
  return s.find("=?") == std::string_view::npos;
}

// Q-encoding of one byte in a phrase/unstructured header (RFC 2047 5(3)).
std::string q_byte(unsigned char b) {
  if (b == ' ') return "_";
  if (std::isalnum(b) || b == '!' || b == '*' || b == '+' || b == '-' || b == '/')
    return std::string(1, static_cast<char>(b));
  return {'=', kHex[b >> 4], kHex[b & 0xF]};
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// Splits `s` at commas that are outside quotes, comments and angle brackets.
std::vector<std::string_view> split_address_list(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  int angle = 0, comment = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++comment;
    } else if (c == ')' && comment > 0) {
      --comment;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (c == ',' && angle == 0 && comment == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

core::Result<Part> parse_entity(std::string_view raw, int depth);

}  // namespace

// --- encodings -------------------------------------------------------------------------------

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                      (static_cast<unsigned char>(data[i + 1]) << 8) |
                      static_cast<unsigned char>(data[i + 2]);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < data.size()) {
    std::uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < data.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

core::Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const char* p = std::strchr(kB64, c);
    if (c == '\0' || p == nullptr)
      return core::Error::invalid("invalid base64 character at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string qp_encode(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    // The CR of a CRLF break; a CR that ends the text is data (=0D).
    if (nl != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!first) out += "\r\n";
    first = false;
    std::string cur;
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto b = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string tok;
      if ((b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last))
        tok.assign(1, static_cast<char>(b));
      else
        tok = {'=', kHex[b >> 4], kHex[b & 0xF]};
      if (cur.size() + tok.size() > (last ? kMaxLine : kMaxLine - 1)) {
        out += cur;
        out += "=\r\n";
        cur.clear();
      }
      cur += tok;
    }
    out += cur;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string qp_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t kept = 0;  // out[0, kept) ends with an encoded byte: "=20" is data, not padding
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (i + 1 < text.size() && text[i + 1] == '\n') { i += 1; continue; }
      if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') { i += 2; continue; }
      // "=" followed by trailing whitespace then a line break is a soft break too.
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
      if (j > i + 1 && (j == text.size() || text[j] == '\r' || text[j] == '\n')) {
        i = (j < text.size() && text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') ? j + 1 : j;
        continue;
      }
      if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
        out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        kept = out.size();
        i += 2;
        continue;
      }
      out += c;
    } else if (c == '\r' || c == '\n') {
      // Drop transport padding (trailing whitespace as written) before a hard line break.
      while (out.size() > kept && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string encode_header_words(std::string_view utf8, std::size_t header_name_length) {
  std::size_t first_budget = header_name_length + 2 < kMaxLine ? kMaxLine - header_name_length - 2 : 20;
  if (is_plain_ascii(utf8)) {
    // Fold at spaces so lines stay within 76 characters where the words allow it.
    std::string out;
    std::size_t line_len = header_name_length + 2;
    std::size_t pos = 0;
    bool first_word = true;
    while (pos < utf8.size()) {
      std::size_t sp = utf8.find(' ', pos + 1);
      std::string_view word = utf8.substr(pos, sp == std::string_view::npos ? std::string_view::npos : sp - pos);
      if (!first_word && line_len + word.size() > kMaxLine && word.front() == ' ') {
        out += "\r\n";
        line_len = 0;
      }
      out += word;
      line_len += word.size();
      first_word = false;
      pos += word.size();
    }
    return out;
  }

  std::size_t needs_escape = 0;
  for (char c : utf8) {
    auto b = static_cast<unsigned char>(c);
    if (!(std::isalnum(b) || b == ' ')) ++needs_escape;
  }
  const bool use_q = needs_escape * 3 <= utf8.size();
  const std::string prefix = use_q ? "=?UTF-8?Q?" : "=?UTF-8?B?";
  const std::size_t overhead = prefix.size() + 2;

  auto encoded_size = [&](std::size_t bytes_q_or_b, std::size_t raw_bytes) {
    return use_q ? bytes_q_or_b : (raw_bytes + 2) / 3 * 4;
  };

  std::string out;
  std::size_t budget = std::max<std::size_t>(first_budget, overhead + 12);
  budget = std::min(budget, kMaxEncodedWord);
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t start = i, q_len = 0;
    while (i < utf8.size()) {
      std::size_t n = utf8_sequence_length(utf8, i);
      if (n == 0) n = 1;  // invalid byte: encode it alone, the reader will show U+FFFD
      std::size_t add = 0;
      for (std::size_t k = 0; k < n; ++k) add += q_byte(static_cast<unsigned char>(utf8[i + k])).size();
      if (overhead + encoded_size(q_len + add, i + n - start) > budget && i > start) break;
      q_len += add;
      i += n;
    }
    std::string_view chunk = utf8.substr(start, i - start);
    if (!out.empty()) out += "\r\n ";
    out += prefix;
    if (use_q) {
      for (char c : chunk) out += q_byte(static_cast<unsigned char>(c));
    } else {
      out += base64_encode(chunk);
    }
    out += "?=";
    budget = kMaxEncodedWord;
  }
  return out;
}

std::string decode_header_words(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  std::string pending_ws;
  while (i < value.size()) {
    if (value.compare(i, 2, "=?") == 0) {
      std::size_t q1 = value.find('?', i + 2);
      std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
      std::size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
      if (end != std::string_view::npos && q2 == q1 + 2) {
        std::string charset(value.substr(i + 2, q1 - i - 2));
        if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);
        char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
        std::string_view payload = value.substr(q2 + 1, end - q2 - 1);
        std::string bytes;
        bool ok = true;
        if (enc == 'B') {
          auto r = base64_decode(payload);
          ok = r.ok();
          if (ok) bytes = *r;
        } else if (enc == 'Q') {
          for (std::size_t k = 0; k < payload.size(); ++k) {
            if (payload[k] == '_') bytes += ' ';
            else if (payload[k] == '=' && k + 2 < payload.size() + 0 && hex_value(payload[k + 1]) >= 0 &&
                     hex_value(payload[k + 2]) >= 0) {
              bytes += static_cast<char>(hex_value(payload[k + 1]) * 16 + hex_value(payload[k + 2]));
              k += 2;
            } else {
              bytes += payload[k];
            }
          }
        } else {
          ok = false;
        }
        if (ok) {
          if (!last_was_word) out += pending_ws;
          pending_ws.clear();
          out += core::to_utf8(bytes, charset);
          last_was_word = true;
          i = end + 2;
          continue;
        }
      }
    }
    char c = value[i];
    if (c == '\r' || c == '\n') { ++i; continue; }
    if (c == ' ' || c == '\t') {
      pending_ws += c;
      ++i;
      continue;
    }
    out += pending_ws;
    pending_ws.clear();
    out += c;
    last_was_word = false;
    ++i;
  }
  out += pending_ws;
  // Raw 8-bit bytes outside encoded words (a header written in some legacy charset): not UTF-8.
  return core::repair_utf8(out);
}

std::string format_address(std::string_view display_name, std::string_view address,
                           std::size_t header_name_length) {
  if (display_name.empty()) return std::string(address);
  std::string phrase;
  if (is_plain_ascii(display_name)) {
    bool needs_quotes = display_name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
    if (needs_quotes) {
      phrase = "\"";
      for (char c : display_name) {
        if (c == '"' || c == '\\') phrase += '\\';
        phrase += c;
      }
      phrase += '"';
    } else {
      phrase = std::string(display_name);
    }
  } else {
    phrase = encode_header_words(display_name, header_name_length);
  }
  std::size_t last_nl = phrase.rfind('\n');
  std::size_t line_len = last_nl == std::string::npos ? header_name_length + 2 + phrase.size()
                                                      : phrase.size() - last_nl - 1;
  std::string addr = "<" + std::string(address) + ">";
  return phrase + (line_len + 1 + addr.size() > kMaxLine ? "\r\n " : " ") + addr;
}

std::string format_date(core::TimePoint t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  weekday wd{day};
  hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<core::TimePoint> parse_date(std::string_view text) {
  using namespace std::chrono;
  std::string s(text);
  if (auto c = s.find('('); c != std::string::npos) s.resize(c);
  if (auto comma = s.find(','); comma != std::string::npos) s = s.substr(comma + 1);
  char mon[8] = {}, zone[16] = {};
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
  int n = std::sscanf(s.c_str(), " %d %3s %d %d:%d:%d %15s", &d, mon, &y, &hh, &mm, &ss, zone);
  if (n < 6) {
    ss = 0;
    n = std::sscanf(s.c_str(), " %d %3s %d %d:%d %15s", &d, mon, &y, &hh, &mm, zone);
    if (n < 5) return std::nullopt;
  }
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  unsigned month = 0;
  for (unsigned k = 0; k < 12; ++k)
    if (iequals(mon, kMonths[k])) month = k + 1;
  if (month == 0) return std::nullopt;
  if (y < 50) y += 2000;
  else if (y < 1000) y += 1900;
  year_month_day ymd{year{y}, std::chrono::month{month}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int offset_min = 0;
  std::string_view z(zone);
  if (!z.empty() && (z[0] == '+' || z[0] == '-') && z.size() >= 5) {
    int v = std::atoi(std::string(z.substr(1, 4)).c_str());
    offset_min = (v / 100) * 60 + v % 100;
    if (z[0] == '-') offset_min = -offset_min;
  }
  auto tp = sys_days{ymd} + hours{hh} + minutes{mm} + seconds{ss} - minutes{offset_min};
  return time_point_cast<core::Millis>(tp);
}

// --- building --------------------------------------------------------------------------------

std::string build_message(const OutgoingMail& mail) {
  std::string m;
  auto header = [&m](std::string_view name, std::string_view value) {
    m.append(name).append(": ").append(value).append("\r\n");
  };
  header("From", format_address(mail.from_name, mail.from_address, 4));
  header("To", mail.to_address);
  if (!mail.reply_to.empty()) header("Reply-To", mail.reply_to);
  header("Subject", encode_header_words(mail.subject, 7));
  header("Date", format_date(mail.date));
  header("Message-ID", "<" + mail.message_id + ">");
  header("MIME-Version", "1.0");
  if (!mail.unsubscribe_url.empty() || !mail.unsubscribe_mailto.empty()) {
    std::string v;
    if (!mail.unsubscribe_url.empty()) v = "<" + mail.unsubscribe_url + ">";
    if (!mail.unsubscribe_mailto.empty()) {
      std::string mailto = "<mailto:" + mail.unsubscribe_mailto + ">";
      if (!v.empty()) v += 18 + v.size() + 2 + mailto.size() > kMaxLine ? ",\r\n " : ", ";
      v += mailto;
    }
    header("List-Unsubscribe", v);
    if (!mail.unsubscribe_url.empty()) header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  for (const auto& [name, value] : mail.extra_headers) header(name, value);

  // In a multipart the line break before a delimiter belongs to the delimiter, so one is always
  // added; a single part only needs its last line terminated.
  auto text_part = [&m](std::string_view subtype, std::string_view body, bool in_multipart) {
    m.append("Content-Type: text/").append(subtype).append("; charset=utf-8\r\n");
    m.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    m.append(qp_encode(body));
    if (in_multipart || m.compare(m.size() - 2, 2, "\r\n") != 0) m.append("\r\n");
  };
  if (mail.html.empty()) {
    text_part("plain", mail.text, false);
    return m;
  }
  std::string boundary = mail.boundary;
  if (boundary.empty()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "=_outreach_%016llx",
                  static_cast<unsigned long long>(fnv1a(mail.message_id)));
    boundary = buf;
  }
  m.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n");
  m.append("This is a multi-part message in MIME format.\r\n");
  m.append("--").append(boundary).append("\r\n");
  text_part("plain", mail.text, true);
  m.append("--").append(boundary).append("\r\n");
  text_part("html", mail.html, true);
  m.append("--").append(boundary).append("--\r\n");
  return m;
}

// --- parsing ---------------------------------------------------------------------------------

Headers parse_header_block(std::string_view block) {
  Headers out;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t nl = block.find('\n', pos);
    std::string_view line = block.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? block.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t')) {
      if (!out.empty()) {
        out.back().second += ' ';
        out.back().second += trim(line);
      }
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // not a header: skip it
    out.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return out;
}

const std::string* Part::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::string Part::media_type() const {
  const std::string* ct = header("Content-Type");
  if (ct == nullptr) return "text/plain";
  std::string_view v(*ct);
  std::string t = lower(trim(v.substr(0, v.find(';'))));
  return t.empty() ? "text/plain" : t;
}

std::string Part::content_type_param(std::string_view name) const {
  const std::string* ct = header("Content-Type");
  if (ct == nullptr) return {};
  std::string_view v(*ct);
  std::size_t pos = v.find(';');
  while (pos != std::string_view::npos && pos < v.size()) {
    ++pos;
    std::size_t eq = v.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string_view key = trim(v.substr(pos, eq - pos));
    std::size_t i = eq + 1;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      while (i < v.size() && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i++];
      }
      pos = v.find(';', i);
    } else {
      std::size_t end = v.find(';', i);
      value = std::string(trim(v.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      pos = end;
    }
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string Part::decoded_body() const {
  const std::string* cte = header("Content-Transfer-Encoding");
  std::string enc = cte ? lower(trim(*cte)) : "";
  if (enc == "quoted-printable") return qp_decode(body);
  if (enc == "base64") {
    auto r = base64_decode(body);
    return r ? *r : body;
  }
  return body;
}

std::string Part::text() const {
  std::string s = core::to_utf8(decoded_body(), content_type_param("charset"));
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

const Part* Part::find(std::string_view type) const {
  if (media_type() == type) return this;
  for (const Part& p : parts)
    if (const Part* f = p.find(type)) return f;
  return nullptr;
}

namespace {

core::Result<Part> parse_entity(std::string_view raw, int depth) {
  if (depth > kMaxDepth) return core::Error::invalid("MIME nesting deeper than 16 levels");
  Part part;
  std::size_t body_start = raw.size();
  std::size_t header_end = raw.size();
  if (raw.starts_with("\r\n")) {
    header_end = 0;
    body_start = 2;
  } else if (raw.starts_with("\n")) {
    header_end = 0;
    body_start = 1;
  } else {
    std::size_t crlf = raw.find("\r\n\r\n");
    std::size_t lf = raw.find("\n\n");
    if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
      header_end = crlf;
      body_start = crlf + 4;
    } else if (lf != std::string_view::npos) {
      header_end = lf;
      body_start = lf + 2;
    }
  }
  part.headers = parse_header_block(raw.substr(0, header_end));
  if (part.headers.empty() && header_end > 0)
    return core::Error::invalid("no headers found before the body");
  part.body = std::string(raw.substr(std::min(body_start, raw.size())));

  if (part.media_type().starts_with("multipart/")) {
    std::string boundary = part.content_type_param("boundary");
    if (boundary.empty()) return part;  // treat as opaque
    const std::string delim = "--" + boundary;
    std::string_view body(part.body);
    std::vector<std::size_t> starts;  // offsets of delimiter lines
    std::size_t pos = 0;
    bool closed = false;
    while ((pos = body.find(delim, pos)) != std::string_view::npos) {
      if (pos == 0 || body[pos - 1] == '\n') {
        starts.push_back(pos);
        if (body.compare(pos + delim.size(), 2, "--") == 0) {
          closed = true;
          break;
        }
      }
      pos += delim.size();
    }
    (void)closed;
    for (std::size_t k = 0; k + 1 <= starts.size(); ++k) {
      std::size_t line_end = body.find('\n', starts[k]);
      if (line_end == std::string_view::npos) break;
      if (body.compare(starts[k] + delim.size(), 2, "--") == 0) break;
      std::size_t content_start = line_end + 1;
      std::size_t content_end = k + 1 < starts.size() ? starts[k + 1] : body.size();
      // The line break before a delimiter belongs to the delimiter.
      if (content_end > content_start && body[content_end - 1] == '\n') --content_end;
      if (content_end > content_start && body[content_end - 1] == '\r') --content_end;
      auto child = parse_entity(body.substr(content_start, content_end - content_start), depth + 1);
      if (!child) return child.error();
      part.parts.push_back(std::move(*child));
    }
    part.body.clear();
  }
  return part;
}

}  // namespace

core::Result<Part> parse_message(std::string_view raw) {
  if (trim(raw).empty()) return core::Error::invalid("empty message");
  return parse_entity(raw, 0);
}

std::vector<std::string> parse_message_ids(std::string_view value) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = value.find('<', pos)) != std::string_view::npos) {
    std::size_t end = value.find('>', pos);
    if (end == std::string_view::npos) break;
    std::string_view id = trim(value.substr(pos + 1, end - pos - 1));
    if (!id.empty()) out.emplace_back(id);
    pos = end + 1;
  }
  if (out.empty() && !trim(value).empty() && trim(value).find(' ') == std::string_view::npos)
    out.emplace_back(trim(value));
  return out;
}

std::vector<std::string> extract_addresses(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view item : split_address_list(value)) {
    std::size_t lt = item.rfind('<');
    std::size_t gt = lt == std::string_view::npos ? lt : item.find('>', lt);
    std::string addr;
    if (lt != std::string_view::npos && gt != std::string_view::npos) {
      addr = std::string(trim(item.substr(lt + 1, gt - lt - 1)));
    } else {
      std::string plain;
      int comment = 0;
      for (char c : item) {
        if (c == '(') ++comment;
        else if (c == ')' && comment > 0) --comment;
        else if (comment == 0) plain += c;
      }
      addr = std::string(trim(plain));
    }
    if (!addr.empty()) out.push_back(std::move(addr));
  }
  return out;
}

std::string extract_address(std::string_view value) {
  auto all = extract_addresses(value);
  return all.empty() ? std::string() : all.front();
}

}  // namespace outreach::channels::mime
