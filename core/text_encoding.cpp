#include "core/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>

namespace outreach::core {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when none starts there.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// cp1252 0x80-0x9F; 0 marks the five undefined bytes.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_cp1252_name(const std::string& cs) {
  return cs == "windows-1252" || cs == "cp1252" || cs == "x-cp1252";
}

bool is_utf8_name(const std::string& cs) {
  return cs.empty() || cs == "utf-8" || cs == "utf8" || cs == "us-ascii" || cs == "ascii" ||
         cs == "ansi_x3.4-1968" || cs == "unknown-8bit";
}

// "line L, column C" of byte `offset` (1-based; columns count bytes).
std::string position_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// UTF-16 (after the BOM) to UTF-8; a lone surrogate, an odd length or a NUL is an error naming
// the line and column (in characters).
Result<std::string> decode_utf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t line = 1, column = 1;
  auto fail = [&](const std::string& why) {
    return Error::invalid("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + why);
  };
  auto unit = [&](std::size_t i) -> char16_t {
    auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(little_endian ? (b << 8 | a) : (a << 8 | b));
  };
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    char32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 3 >= bytes.size()) return fail("UTF-16 text ends inside a surrogate pair");
      char16_t low = unit(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired UTF-16 surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail("unpaired UTF-16 surrogate");
    } else if (cp == 0) {
      return fail("NUL character (this is not a text file)");
    }
    append_utf8(out, cp);
    if (cp == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  if (i < bytes.size()) return fail("UTF-16 text has an odd number of bytes");
  return out;
}

// iconv from `charset` to UTF-8; nullopt when iconv does not know the charset. Undecodable bytes
// become U+FFFD (one per code unit skipped until iconv resynchronises).
std::optional<std::string> iconv_to_utf8(std::string_view bytes, const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  const std::size_t unit = charset.starts_with("utf-16") || charset.starts_with("ucs-2") ? 2
                           : charset.starts_with("utf-32") || charset.starts_with("ucs-4") ? 4 : 1;
  std::string out;
  std::array<char, 4096> buf;
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  while (true) {
    char* dst = buf.data();
    std::size_t dst_left = buf.size();
    std::size_t r = iconv(cd, in_left > 0 ? &in : nullptr, in_left > 0 ? &in_left : nullptr, &dst, &dst_left);
    out.append(buf.data(), buf.size() - dst_left);
    if (r != static_cast<std::size_t>(-1)) {
      if (in_left == 0) {
        // Flush any shift state, then stop.
        dst = buf.data();
        dst_left = buf.size();
        iconv(cd, nullptr, nullptr, &dst, &dst_left);
        out.append(buf.data(), buf.size() - dst_left);
        break;
      }
      continue;
    }
    if (errno == E2BIG) continue;
    // EILSEQ (undecodable) or EINVAL (truncated at the end): one replacement, skip one unit.
    append_utf8(out, kReplacement);
    if (errno == EINVAL || in_left <= unit) break;
    in += unit;
    in_left -= unit;
  }
  iconv_close(cd);
  return out;
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacement;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t n = sequence_length(bytes, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view bytes) { return !first_invalid_utf8(bytes).has_value(); }

std::optional<std::size_t> first_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return i;
    }
  }
  return std::nullopt;
}

std::string control_character_name(std::string_view text, std::size_t offset) {
  const auto c = static_cast<unsigned char>(text[offset]);
  const unsigned code = c == 0xC2 && offset + 1 < text.size() ? static_cast<unsigned char>(text[offset + 1]) : c;
  char name[8];
  std::snprintf(name, sizeof name, "U+%04X", code);
  return name;
}

std::optional<YamlTextFault> check_yaml_text(std::string_view text, std::string_view kind) {
  auto at = [&](std::size_t offset, std::string message) {
    const std::string_view before = text.substr(0, offset);
    const auto line_start = before.rfind('\n');
    YamlTextFault fault;
    fault.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    fault.column = static_cast<int>(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    fault.message = std::move(message);
    return fault;
  };
  if (auto bad = first_invalid_utf8(text)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
    return at(*bad, "not valid UTF-8 (byte " + std::string(byte) + "): save the file as UTF-8");
  }
  if (auto control = first_control_character(text)) {
    return at(*control, "control character " + control_character_name(text, *control) + " is not allowed in a " +
                            std::string(kind) + " (only tabs and line ends)");
  }
  return std::nullopt;
}

std::optional<std::string> check_yaml_value(std::string_view value) {
  if (!is_valid_utf8(value)) {
    return std::string("an escape in this text gives bytes that are not UTF-8 (\\N and \\_ do): write the character itself");
  }
  if (auto at = first_control_character(value)) {
    return "control character " + control_character_name(value, *at) +
           " is not allowed in a text (only tabs and line breaks): remove the escape that writes it, such as \\a, "
           "\\e or \\u0007";
  }
  return std::nullopt;
}

std::string repair_utf8(std::string_view bytes) {
  auto bad = first_invalid_utf8(bytes);
  if (!bad) return std::string(bytes);
  std::string out(bytes.substr(0, *bad));
  out.reserve(bytes.size() + 8);
  for (std::size_t i = *bad; i < bytes.size();) {
    std::size_t n = sequence_length(bytes, i);
    if (n == 0) {
      append_utf8(out, kReplacement);
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<std::string> decode_cp1252(std::string_view bytes, std::size_t* bad_offset) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
    } else if (b < 0xA0) {
      char16_t cp = kCp1252High[b - 0x80];
      if (cp == 0) {
        if (bad_offset) *bad_offset = i;
        return std::nullopt;
      }
      append_utf8(out, cp);
    } else {
      append_utf8(out, b);
    }
  }
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  const std::string cs = lower_trimmed(charset);
  if (is_utf8_name(cs)) return repair_utf8(bytes);
  if (is_cp1252_name(cs)) {
    // Undefined bytes become U+FFFD one by one (decode_cp1252 refuses them as a whole).
    std::string out;
    for (char c : bytes) {
      auto b = static_cast<unsigned char>(c);
      char16_t cp = b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b;
      append_utf8(out, cp == 0 ? kReplacement : cp);
    }
    return out;
  }
  auto converted = iconv_to_utf8(bytes, cs);
  // Unknown to iconv: keep what is UTF-8 (ASCII survives), replace the rest. iconv's own output
  // is checked too, so the promise of valid UTF-8 does not rest on a charset module.
  return repair_utf8(converted ? *converted : bytes);
}

Result<DecodedText> decode_text_file(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    const bool le = bytes[0] == '\xFF';
    auto text = decode_utf16(bytes.substr(2), le);
    if (!text) return text.error();
    return DecodedText{std::move(*text), le ? "UTF-16LE" : "UTF-16BE"};
  }
  bool bom = bytes.starts_with(kUtf8Bom);
  std::string_view body = bom ? bytes.substr(kUtf8Bom.size()) : bytes;
  if (auto nul = body.find('\0'); nul != std::string_view::npos) {
    return Error::invalid(position_of(body, nul) + ": NUL byte (this is not a text file, or it is UTF-16 without a byte order mark)");
  }
  auto bad = first_invalid_utf8(body);
  if (!bad) return DecodedText{std::string(body), bom ? "UTF-8 with BOM" : "UTF-8"};
  if (bom) {
    return Error::invalid(position_of(body, *bad) + ": byte " + hex_byte(static_cast<unsigned char>(body[*bad])) +
                          " is not UTF-8, although the file starts with a UTF-8 byte order mark");
  }
  std::size_t undefined = 0;
  auto text = decode_cp1252(body, &undefined);
  if (!text) {
    return Error::invalid(position_of(body, undefined) + ": byte " +
                          hex_byte(static_cast<unsigned char>(body[undefined])) +
                          " is neither UTF-8 nor Windows-1252 text");
  }
  return DecodedText{std::move(*text), "Windows-1252"};
}

}  // namespace outreach::core
