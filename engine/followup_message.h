#pragma once
// The words of the follow-up question and of the "face" sentence (issue 12 parts 1 and 5), in the
// person's language with nl as the fallback: plain Dutch at B1 level. Pure: no I/O, no clock.
//   nl: "Herstelteam: Voelt u zich geholpen door uw gemeente Rotterdam? Antwoord met een cijfer
//        van 1 (helemaal niet) tot 5 (heel erg). U mag er ook iets bij schrijven. Uw contactpersoon
//        bij de gemeente Rotterdam is Fatima. Geen berichten meer? Stuur STOP naar +3197010203040."

#include <string>

#include "campaigns/template_renderer.h"
#include "core/error.h"
#include "engine/followup_config.h"

namespace outreach::engine {

struct FollowupText {
  std::string language;  // the language used: the person's, or nl
  std::string subject;   // for e-mail
  std::string text;
};

// Renders the question (config.templates over the built-in nl and en) with the municipality's
// name and, when set, the handler's; adds the handler sentence unless the template names
// {{handler_name}} itself, and the STOP line. Errors: a configured template's Mustache syntax
// ("followup.templates.tr: template syntax: ...").
core::Result<FollowupText> followup_text(const FollowupConfig& config, const std::string& language,
                                         const std::string& municipality_name, const std::string& handler_name);

// "Uw contactpersoon bij de gemeente Rotterdam is Fatima." (en: "Your contact person at the
// municipality of Rotterdam is Fatima."); empty when there is no handler.
std::string handler_sentence(const std::string& language, const std::string& municipality_name,
                             const std::string& handler_name);

// The reply to an answer: thanks, and when the case was reopened, that the municipality hears of it.
std::string answer_reply(const std::string& language, bool reopened, const std::string& municipality_name);

}  // namespace outreach::engine
