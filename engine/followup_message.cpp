#include "engine/followup_message.h"

#include "campaigns/campaign.h"

namespace outreach::engine {
namespace {

constexpr const char* kQuestionNl =
    "{{sender}}: Voelt u zich geholpen door uw gemeente {{municipality_name}}? Antwoord met een cijfer van 1 "
    "(helemaal niet) tot 5 (heel erg). U mag er ook iets bij schrijven.";
constexpr const char* kQuestionEn =
    "{{sender}}: Do you feel helped by your municipality, {{municipality_name}}? Reply with a number from 1 "
    "(not at all) to 5 (very much). You may add a few words too.";

std::string stop_line(const std::string& language, const std::string& reply_number) {
  if (language == "en") return reply_number.empty() ? "No more messages? Send STOP." : "No more messages? Send STOP to " + reply_number + ".";
  return reply_number.empty() ? "Geen berichten meer? Stuur STOP." : "Geen berichten meer? Stuur STOP naar " + reply_number + ".";
}

}  // namespace

std::string handler_sentence(const std::string& language, const std::string& municipality_name,
                             const std::string& handler_name) {
  if (handler_name.empty()) return {};
  if (language == "en") return "Your contact person at the municipality of " + municipality_name + " is " + handler_name + ".";
  return "Uw contactpersoon bij de gemeente " + municipality_name + " is " + handler_name + ".";
}

std::string answer_reply(const std::string& language, bool reopened, const std::string& municipality_name) {
  if (language == "en") {
    return reopened ? "Thank you for your answer. We have passed it on to the municipality of " + municipality_name + "."
                    : "Thank you for your answer.";
  }
  return reopened ? "Dank u voor uw antwoord. Wij hebben het doorgegeven aan de gemeente " + municipality_name + "."
                  : "Dank u voor uw antwoord.";
}

core::Result<FollowupText> followup_text(const FollowupConfig& config, const std::string& language,
                                         const std::string& municipality_name, const std::string& handler_name) {
  // A campaign built in code, so the question takes the same road as every campaign message:
  // Mustache, and the language fallback to nl.
  campaigns::Campaign c;
  c.key = "followup";
  c.sender = config.sender;
  c.reply_number = config.reply_number;
  auto& t = c.templates["followup"];
  t["nl"] = {"Voelt u zich geholpen?", kQuestionNl, {}};
  t["en"] = {"Do you feel helped?", kQuestionEn, {}};
  for (const auto& [lang, text] : config.templates) {
    t[lang].text = text;
    if (t[lang].subject.empty()) t[lang].subject = t["nl"].subject;
  }
  campaigns::RenderVars vars{{"municipality_name", municipality_name}, {"handler_name", handler_name}};
  auto r = campaigns::render(c, "followup", language, vars);
  if (!r) {
    auto e = r.error();
    return core::Error::invalid(e.message, "followup.templates." + (t.count(language) ? language : std::string("nl")));
  }
  FollowupText out;
  out.language = r->language_used;
  out.subject = r->subject;
  out.text = r->text;
  const bool names_handler = t[out.language].text.find("handler_name") != std::string::npos;
  if (!names_handler) {
    if (auto s = handler_sentence(out.language, municipality_name, handler_name); !s.empty()) out.text += " " + s;
  }
  out.text += " " + stop_line(out.language, config.reply_number);
  return out;
}

}  // namespace outreach::engine
