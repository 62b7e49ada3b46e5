#include "engine/message_composer.h"

#include "campaigns/template_renderer.h"
#include "engine/intermediary_routing.h"
#include "storage/unsubscribe_token.h"

namespace outreach::engine {

namespace {

// A variable's value for a provider template parameter: the person's, else the campaign's own.
std::string template_value(const campaigns::Campaign& c, const campaigns::RenderVars& vars, const std::string& name) {
  if (auto it = vars.find(name); it != vars.end()) return it->second;
  if (name == "sender") return c.sender;
  if (name == "reply_number") return c.reply_number;
  if (name == "campaign_name") return c.name;
  return {};
}

// Digits only, no sign, no leading zero (so a reference has exactly one spelling), fits in int64.
std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string make_client_ref(const StepRef& ref) {
  return "c" + std::to_string(ref.campaign_id) + "-s" + std::to_string(ref.step) + "-k" + std::to_string(ref.contact_id);
}

std::optional<StepRef> parse_client_ref(std::string_view text) {
  if (!text.starts_with('c')) return std::nullopt;
  const auto s = text.find("-s"), k = text.find("-k");
  if (s == std::string_view::npos || k == std::string_view::npos || k < s) return std::nullopt;
  auto campaign = parse_id(text.substr(1, s - 1));
  auto step = parse_id(text.substr(s + 2, k - s - 2));
  auto contact = parse_id(text.substr(k + 2));
  if (!campaign || !step || !contact || *step > 10000) return std::nullopt;
  return StepRef{*campaign, static_cast<int>(*step), *contact};
}

core::Result<channels::OutboundMessage> MessageComposer::compose(const StepMessage& m) const {
  const campaigns::Campaign& campaign = *m.campaign;
  const campaigns::Step& step = campaign.steps.at(static_cast<std::size_t>(m.step));
  const campaigns::Candidate& person = *m.person;
  campaigns::RenderVars vars;
  vars["name"] = person.name;
  vars["first_name"] = person.name.substr(0, person.name.find(' '));
  auto mn = municipality_names_.find(person.municipality);
  vars["municipality_name"] = mn == municipality_names_.end() ? person.municipality : mn->second;
  // Stable per (campaign, step, person): the provider's idempotency key or echoed reference.
  const std::string client_ref = make_client_ref({m.campaign_id, m.step, person.contact_id});
  // Unguessable and stable per message (RFC 8058 one-click; services/unsubscribe.h).
  vars["unsubscribe_url"] = unsubscribe_key_.empty() || m.message_id <= 0
                                ? std::string()
                                : public_base_url_ + "/u/" + storage::make_unsubscribe_token(m.message_id, unsubscribe_key_);
  if (m.intermediary) vars["intermediary_name"] = m.intermediary->settings.name;
  auto rendered = m.templates ? m.templates->render(step.template_id, person.language, vars)
                              : campaigns::render(campaign, step.template_id, person.language, vars);
  if (!rendered) return rendered.error();

  channels::OutboundMessage msg{
      .client_ref = client_ref,
      // The sandbox's intermediary channel has no configured intermediaries: it names the area.
      .to = core::Urn::trusted("intermediary:" + person.municipality).value(),
      .language = rendered->language_used,
      .sender_name = campaign.sender,
      .subject = rendered->subject,
      .text = rendered->text,
      .html = rendered->html,
      .now = m.now,
      .unsubscribe_url = vars["unsubscribe_url"],
  };
  if (auto urn = campaigns::address_for(person, m.channel, kinds_)) msg.to = *urn;
  // Campaign messages start conversations, so WhatsApp sends the step's approved template.
  msg.template_name = step.whatsapp_template;
  for (const std::string& param : step.whatsapp_params) msg.template_params.push_back(template_value(campaign, vars, param));
  if (m.intermediary) {
    msg.to = core::Urn::trusted("intermediary:" + m.intermediary->settings.key).value();
    msg.person = person_to_approach(person, kinds_);
  }
  return msg;
}

}  // namespace outreach::engine
