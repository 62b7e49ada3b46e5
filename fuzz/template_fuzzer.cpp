// template: the Mustache renderer with partials and language fallback. The input is a template
// followed by partials, each after a line "=== <name>" (a name ending in ".en" is the English
// partial of that name):
//
//   Beste {{name}}, ... {{> footer}}
//   === footer
//   Stop? Antwoord STOP. {{sender}}
//
// The template is the nl text and html (its first line the subject) and, with its first line left
// out, the en text. Checked: scan_template and check_partials never crash, render() in nl, en and an
// absent language never crashes, and a template and partials that check_partials accepts expand to
// at most kMaxExpandedSize bytes plus the variables' own text. Without partials, the text and html
// render() gives are Mustache's own for the same variables (variable-only texts are rendered by
// campaigns/plain_template.h, not by Mustache).
#include <kainjow/mustache.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "campaigns/template_renderer.h"

using namespace outreach;
using namespace outreach::campaigns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  Campaign c;
  c.key = "fuzz";
  c.name = "Fuzz";
  c.sender = "Herstelteam";
  c.reply_number = "+3197010203040";
  std::string* current = nullptr;
  std::string main;
  current = &main;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
    rest.remove_prefix(line.size());
    if (line.rfind("=== ", 0) == 0) {
      std::string name(line.substr(4));
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
      std::string language = "nl";
      if (name.size() > 3 && name.compare(name.size() - 3, 3, ".en") == 0) {
        name.resize(name.size() - 3);
        language = "en";
      }
      current = &c.partials[name][language];
      current->clear();
      continue;
    }
    current->append(line);
  }
  auto first_nl = main.find('\n');
  TemplateText nl{main.substr(0, first_nl), main, main};
  TemplateText en{"", first_nl == std::string::npos ? std::string() : main.substr(first_nl + 1), ""};
  c.templates["t"]["nl"] = nl;
  c.templates["t"]["en"] = en;

  std::vector<TemplateTag> tags;
  std::string error;
  (void)scan_template(main, tags, &error);
  const bool checked = check_partials(c, "t", "nl").ok();
  RenderVars vars = sample_vars(c);
  std::size_t var_bytes = 0;
  for (const auto& [k, v] : vars) var_bytes += v.size();
  // nl is prepared once and rendered twice (here and in the Mustache comparison below): render()
  // is prepare() then render(vars) (template_renderer.h), and each prepare parses six Mustache
  // templates and renders six more to probe the plain path, most of this target's time per input.
  auto prepared_nl = PreparedTemplate::prepare(c, "t", "nl");
  for (const char* language : {"nl", "en", "tr"}) {
    core::Result<RenderedMessage> r = std::string_view(language) == "nl"
                                          ? (prepared_nl ? core::Result<RenderedMessage>((*prepared_nl)->render(vars))
                                                         : core::Result<RenderedMessage>(prepared_nl.error()))
                                          : render(c, "t", language, vars);
    if (!r) {
      if (r.error().message.empty()) std::abort();
      continue;
    }
    // Each tag of at least 5 bytes ({{x}}) can bring in at most the longest variable.
    if (checked && std::string(language) == "nl" && r->text.size() > kMaxExpandedSize * (1 + var_bytes)) std::abort();
  }
  if (c.partials.empty()) {
    namespace mstch = kainjow::mustache;
    vars["name"] = "A & <B> \"C\" 'D' {{sender}}";
    std::optional<RenderedMessage> r;
    if (prepared_nl) r = (*prepared_nl)->render(vars);
    mstch::mustache text(main), html(main);
    if (r && text.is_valid()) {
      text.set_custom_escape([](const std::string& s) { return s; });
      mstch::data campaign{mstch::data::type::object};
      campaign.set("sender", c.sender);
      campaign.set("reply_number", c.reply_number);
      campaign.set("campaign_name", c.name);
      mstch::data person{mstch::data::type::object};
      for (const auto& [k, v] : vars) person.set(k, v);
      mstch::context<std::string> ctx(&campaign);
      ctx.push(&person);
      if (r->text != text.render(ctx) || r->html != html.render(ctx)) std::abort();
    }
  }
  return 0;
}
