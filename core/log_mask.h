#pragma once
// What logs may say about a person: nothing that identifies them. Log lines carry ids (contact,
// message, response) and masked addresses; never names, message text or subjects.
// Pure functions, safe from any thread.

#include <string>
#include <string_view>

namespace outreach::core {

// An address (a URN such as "tel:+31612345678" or a bare one) with most of it hidden, enough left
// to tell two apart in an incident:
//   "tel:+31612345678"        -> "tel:+316******78"
//   "mailto:anna@example.org" -> "mailto:a***@example.org"   (the domain is not personal)
//   "whatsapp:31612345678"    -> "whatsapp:3161*****78"
//   "intermediary:buurthuis" and "page:..." name organisations and are kept as they are.
// Short paths are hidden entirely; the result is always valid UTF-8.
std::string mask_address(std::string_view address);

}  // namespace outreach::core
