#include "core/urn.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace outreach::core {
namespace {


bool is_atext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

}  // namespace

const char* to_string(UrnScheme s) {
  switch (s) {
    case UrnScheme::tel: return "tel";
    case UrnScheme::mailto: return "mailto";
    case UrnScheme::whatsapp: return "whatsapp";
    case UrnScheme::messenger: return "messenger";
    case UrnScheme::telegram: return "telegram";
    case UrnScheme::intermediary: return "intermediary";
    case UrnScheme::page: return "page";
  }
  return "tel";
}

Result<UrnScheme> parse_urn_scheme(std::string_view text) {
  for (auto s : {UrnScheme::tel, UrnScheme::mailto, UrnScheme::whatsapp, UrnScheme::messenger,
                 UrnScheme::telegram, UrnScheme::intermediary, UrnScheme::page}) {
    if (text == to_string(s)) return s;
  }
  return Error::invalid("unknown address scheme '" + std::string(text) +
                        "' (expected tel, mailto, whatsapp, messenger, telegram, intermediary or page)");
}

Result<std::string> normalise_phone(std::string_view raw, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  std::string text = trimmed(raw);
  if (text.empty()) return Error::invalid("phone number is empty");
  // "0031 6 ..." is common in the Netherlands; libphonenumber handles it via the NL IDD prefix.
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  auto rc = util.Parse(text, std::string(default_region), &number);
  if (rc != PhoneNumberUtil::NO_PARSING_ERROR) {
    return Error::invalid("'" + text + "' is not a phone number");
  }
  if (!util.IsValidNumber(number)) {
    return Error::invalid("'" + text + "' is not a valid phone number");
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

Result<std::string> normalise_email(std::string_view raw) {
  std::string text = trimmed(raw);
  if (text.empty()) return Error::invalid("e-mail address is empty");
  auto at = text.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == text.size() ||
      text.find('@') != at) {
    return Error::invalid("'" + text + "' is not an e-mail address");
  }
  std::string local = text.substr(0, at);
  std::string domain = text.substr(at + 1);
  if (local.size() > 64 || text.size() > 254 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string::npos ||
      !std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(c); })) {
    return Error::invalid("'" + text + "' is not an e-mail address (local part)");
  }
  std::transform(domain.begin(), domain.end(), domain.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // LDH labels separated by dots, at least two labels, no empty label, no leading/trailing hyphen.
  std::size_t start = 0;
  int labels = 0;
  while (true) {
    auto dot = domain.find('.', start);
    std::string label = domain.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
              std::all_of(label.begin(), label.end(), [](unsigned char c) {
                return std::isalnum(c) || c == '-';
              });
    if (!ok) return Error::invalid("'" + text + "' is not an e-mail address (domain)");
    ++labels;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return Error::invalid("'" + text + "' is not an e-mail address (domain)");
  return local + "@" + domain;
}

Result<Urn> Urn::phone(std::string_view raw, std::string_view region) {
  auto n = normalise_phone(raw, region);
  if (!n) return n.error();
  return Urn(UrnScheme::tel, *n);
}

Result<Urn> Urn::email(std::string_view raw) {
  auto n = normalise_email(raw);
  if (!n) return n.error();
  return Urn(UrnScheme::mailto, *n);
}

Result<Urn> Urn::whatsapp(std::string_view raw, std::string_view region) {
  std::string text = trimmed(raw);
  // Cloud API ids come without '+'; a bare digit string of international length is taken as such.
  if (!text.empty() && text[0] != '+' && text[0] != '0' &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    text = "+" + text;
  }
  auto n = normalise_phone(text, region);
  if (!n) return n.error();
  return Urn(UrnScheme::whatsapp, n->substr(1));
}

Result<Urn> Urn::page(std::string_view channel) {
  std::string p = trimmed(channel);
  if (p.empty() || p.find_first_of(" \t\r\n:") != std::string::npos) {
    return Error::invalid("'" + std::string(channel) + "' is not a page channel name");
  }
  return Urn(UrnScheme::page, p);
}

Result<Urn> Urn::parse(std::string_view text, std::string_view region) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error::invalid("'" + std::string(text) + "' is not an address URN (expected scheme:value)");
  }
  auto scheme = parse_urn_scheme(text.substr(0, colon));
  if (!scheme) return scheme.error();
  std::string_view path = text.substr(colon + 1);
  switch (*scheme) {
    case UrnScheme::tel: return phone(path, region);
    case UrnScheme::mailto: return email(path);
    case UrnScheme::whatsapp: return whatsapp(path, region);
    case UrnScheme::messenger:
    case UrnScheme::telegram:
    case UrnScheme::intermediary: {
      std::string p = trimmed(path);
      if (p.empty() || p.find_first_of(" \t\r\n") != std::string::npos) {
        return Error::invalid("'" + std::string(text) + "' has an empty or malformed identifier");
      }
      return Urn(*scheme, p);
    }
    case UrnScheme::page:
      // Contact imports and replies parse addresses: a public page must never become one.
      return Error::invalid("'" + std::string(text) + "' names a public page, not a person's address");
  }
  return Error::invalid("unreachable");
}

Result<Urn> Urn::trusted(std::string_view stored) {
  auto colon = stored.find(':');
  if (colon == std::string_view::npos) return Error::invalid("stored address without scheme");
  auto scheme = parse_urn_scheme(stored.substr(0, colon));
  if (!scheme) return scheme.error();
  return Urn(*scheme, std::string(stored.substr(colon + 1)));
}

std::string Urn::str() const { return std::string(to_string(scheme_)) + ":" + path_; }

}  // namespace outreach::core
