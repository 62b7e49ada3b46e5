#pragma once
// A contact address as a URN: "tel:+31612345678", "mailto:a@example.org", "whatsapp:31612345678",
// "messenger:<page-scoped id>", "telegram:<chat id>", "intermediary:<organisation key>", and
// "page:<channel>" for a public page that campaign posts are published on (not a person).
// Urn values are always normalised: parse() and the factories refuse what cannot be normalised,
// so two spellings of one address compare equal.

#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::core {

enum class UrnScheme { tel, mailto, whatsapp, messenger, telegram, intermediary, page };

const char* to_string(UrnScheme s);
Result<UrnScheme> parse_urn_scheme(std::string_view text);

class Urn {
 public:
  // "scheme:path"; the path is normalised for its scheme (tel: to E.164 with default region NL).
  // Refuses page: addresses: they name a public page, never a person's address (use page()).
  static Result<Urn> parse(std::string_view text, std::string_view default_region = "NL");
  static Result<Urn> phone(std::string_view raw, std::string_view default_region = "NL");
  static Result<Urn> email(std::string_view raw);
  // WhatsApp ids are phone numbers in E.164 without '+' (as the Cloud API writes them).
  static Result<Urn> whatsapp(std::string_view raw, std::string_view default_region = "NL");
  // The public page behind a configured channel ("page:facebook_page"): where a campaign post goes.
  static Result<Urn> page(std::string_view channel);

  // For text this program stored itself (already normalised): splits without re-validating, which
  // keeps reading a million stored addresses cheap. Refuses only an unknown scheme.
  static Result<Urn> trusted(std::string_view stored);

  UrnScheme scheme() const { return scheme_; }
  const std::string& path() const { return path_; }
  std::string str() const;

  friend bool operator==(const Urn&, const Urn&) = default;

 private:
  Urn(UrnScheme s, std::string p) : scheme_(s), path_(std::move(p)) {}
  UrnScheme scheme_;
  std::string path_;
};

// E.164 ("+31612345678") from any common spelling: "06-12345678", "0031 6 1234 5678", "+31612345678",
// "(010) 123 4567". Refuses text that libphonenumber does not consider a valid number.
Result<std::string> normalise_phone(std::string_view raw, std::string_view default_region = "NL");

// Lower-cases the domain, trims, and checks the syntax (local@domain.tld, no spaces, one '@',
// dot-atom local part, LDH domain labels). Returns the normalised address.
Result<std::string> normalise_email(std::string_view raw);

}  // namespace outreach::core
