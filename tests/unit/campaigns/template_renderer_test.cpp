#include "campaigns/template_renderer.h"

#include <gtest/gtest.h>
#include <kainjow/mustache.hpp>

#include <chrono>

namespace outreach::campaigns {
namespace {

Campaign campaign() {
  Campaign c;
  c.key = "t";
  c.name = "Hulp & herstel";
  c.sender = "Herstelteam <Rijnmond>";
  c.reply_number = "+3197010203040";
  c.partials["footer"] = {{"nl", "Afzender: {{sender}}."}, {"en", "From: {{sender}}."}};
  c.partials["optout"] = {{"nl", "Stuur STOP naar {{reply_number}}."}};
  c.templates["hello"]["nl"] = {"Hallo {{first_name}}", "Beste {{name}}, hulp in {{municipality_name}}. {{> footer}} {{> optout}}",
                                "<p>Beste {{name}}</p><p>{{> footer}}</p>"};
  c.templates["hello"]["en"] = {"Hello {{first_name}}", "Dear {{name}}. {{> footer}} {{> optout}}", ""};
  return c;
}

RenderVars vars() {
  return {{"name", "Ayşe & Jan <de Vries>"}, {"first_name", "Ayşe"}, {"municipality_name", "Rotterdam"}};
}

TEST(TemplateRenderer, RendersTheAskedLanguageWithPartials) {
  auto r = render(campaign(), "hello", "en", vars());
  ASSERT_TRUE(r.ok()) << r.error().what();
  EXPECT_EQ(r->language_used, "en");
  EXPECT_EQ(r->subject, "Hello Ayşe");
  // footer in en; optout has no en text, so its nl text is used.
  EXPECT_EQ(r->text, "Dear Ayşe & Jan <de Vries>. From: Herstelteam <Rijnmond>. Stuur STOP naar +3197010203040.");
  EXPECT_EQ(r->html, "");
}

TEST(TemplateRenderer, FallsBackToNlWhenTheLanguageHasNoTemplate) {
  auto r = render(campaign(), "hello", "tr", vars());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->language_used, "nl");
  EXPECT_EQ(r->subject, "Hallo Ayşe");
  EXPECT_EQ(r->text,
            "Beste Ayşe & Jan <de Vries>, hulp in Rotterdam. Afzender: Herstelteam <Rijnmond>. "
            "Stuur STOP naar +3197010203040.");
  EXPECT_EQ(language_for(campaign(), "hello", "tr"), "nl");
  EXPECT_EQ(language_for(campaign(), "hello", "en"), "en");
}

TEST(TemplateRenderer, TextIsNotHtmlEscapedButHtmlIs) {
  auto r = render(campaign(), "hello", "nl", vars());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("Ayşe & Jan <de Vries>"), std::string::npos);
  EXPECT_EQ(r->html,
            "<p>Beste Ayşe &amp; Jan &lt;de Vries&gt;</p><p>Afzender: Herstelteam &lt;Rijnmond&gt;.</p>");
}

TEST(TemplateRenderer, CampaignFieldsFillTheirVariablesUnlessGiven) {
  Campaign c = campaign();
  c.templates["info"]["nl"] = {"", "{{campaign_name}} / {{sender}} / {{reply_number}}", ""};
  EXPECT_EQ(render(c, "info", "nl", {})->text, "Hulp & herstel / Herstelteam <Rijnmond> / +3197010203040");
  EXPECT_EQ(render(c, "info", "nl", {{"reply_number", "+31612340000"}})->text,
            "Hulp & herstel / Herstelteam <Rijnmond> / +31612340000");
}

TEST(TemplateRenderer, MissingVariablesRenderEmpty) {
  EXPECT_EQ(render(campaign(), "hello", "en", {})->text,
            "Dear . From: Herstelteam <Rijnmond>. Stuur STOP naar +3197010203040.");
}

TEST(TemplateRenderer, UnknownTemplateIsNotFound) {
  auto r = render(campaign(), "goodbye", "nl", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(r.error().what(), "templates: unknown template 'goodbye'");
}

TEST(TemplateRenderer, TemplateWithoutNlIsNotFound) {
  Campaign c = campaign();
  c.templates["hello"].erase("nl");
  auto r = render(c, "hello", "tr", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what(), "templates.hello: template has no nl text");
}

TEST(TemplateRenderer, SyntaxErrorNamesTheField) {
  Campaign c = campaign();
  c.templates["hello"]["en"].text = "Dear {{#name}}";
  auto r = render(c, "hello", "en", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(r.error().what(), "templates.hello.en.text: template syntax: Unclosed section \"name\" at 5");
}

TEST(TemplateRenderer, PartialCycleIsRefusedNotLoopedForever) {
  Campaign c = campaign();
  c.partials["a"] = {{"nl", "A {{> b}}"}};
  c.partials["b"] = {{"nl", "B {{> a}}"}};
  c.templates["hello"]["nl"].text = "x {{> a}}";
  auto r = render(c, "hello", "nl", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what(), "partials.a: partial 'a' includes itself");
}

TEST(TemplateRenderer, APreparedTemplateRendersManyPeopleAsRenderDoes) {
  const Campaign c = campaign();
  PreparedTemplates prepared(c);
  const std::vector<RenderVars> people = {
      vars(), {{"name", "Samira"}, {"first_name", "Samira"}, {"municipality_name", "Schiedam"}},
      {{"name", "Piet"}, {"sender", "Iemand anders"}}, {}};
  for (const std::string lang : {"nl", "en", "tr"}) {
    for (const auto& v : people) {
      auto once = render(c, "hello", lang, v);
      auto again = prepared.render("hello", lang, v);
      ASSERT_TRUE(once.ok() && again.ok());
      EXPECT_EQ(again->language_used, once->language_used);
      EXPECT_EQ(again->subject, once->subject);
      EXPECT_EQ(again->text, once->text) << lang;
      EXPECT_EQ(again->html, once->html) << "html is still escaped";
    }
  }
  EXPECT_EQ(prepared.render("hello", "nl", {{"name", "Piet"}, {"sender", "Iemand anders"}})->html,
            "<p>Beste Piet</p><p>Afzender: Iemand anders.</p>")
      << "a person's variable wins over the campaign's";
  auto unknown = prepared.render("nope", "nl", vars());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::ErrorCode::not_found);
}

TEST(TemplateRenderer, ScanFindsEveryKindOfTag) {
  std::vector<TemplateTag> tags;
  std::string err;
  ASSERT_TRUE(scan_template("{{a}} {{{b}}} {{&c}} {{#d}}{{/d}} {{^e}}{{/e}} {{> f}} {{! note }}", tags, &err)) << err;
  std::string seen;
  for (const auto& t : tags) seen += std::to_string(t.kind) + t.name + " ";
  EXPECT_EQ(seen, "0a 0b 0c 1d 3d 2e 3e 4f 5 ");
}

TEST(TemplateRenderer, ScanRefusesBrokenTemplates) {
  std::vector<TemplateTag> tags;
  std::string err;
  EXPECT_FALSE(scan_template("Hi {{name", tags, &err));
  EXPECT_EQ(err, "unclosed tag '{{name'");
  EXPECT_FALSE(scan_template("{{#a}}{{/b}}", tags, &err));
  EXPECT_EQ(err, "unexpected {{/b}}");
  EXPECT_FALSE(scan_template("{{ }}", tags, &err));
  EXPECT_EQ(err, "empty tag");
}

// Found by the template fuzzer: Mustache reads {{{=..=}}} as a delimiter change too, after which
// "{{> footer}}" is plain text to it; the partial expansion took it for a partial and left it out.
TEST(TemplateRenderer, ADelimiterChangeInTripleBracesIsRefusedLikeAnyOther) {
  std::vector<TemplateTag> tags;
  std::string err;
  EXPECT_FALSE(scan_template("x {{{=<% %>=}}} {{> footer}} <%name%>", tags, &err));
  EXPECT_EQ(err, "delimiter changes are not supported");
  Campaign c = campaign();
  c.templates["hello"]["nl"].text = "Beste {{{= <% %> =}}} {{> footer}} <%name%>";
  auto r = render(c, "hello", "nl", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(r.error().what(), "templates.hello.nl.text: template syntax: delimiter changes are not supported");
}

TEST(TemplateRenderer, SampleVarsCoverEveryKnownVariable) {
  const RenderVars v = sample_vars(campaign());
  for (const auto& name : known_variables()) EXPECT_EQ(v.count(name), 1u) << name;
  EXPECT_EQ(v.at("sender"), "Herstelteam <Rijnmond>");
  EXPECT_EQ(known_variables().size(), 9u);
}
}  // namespace
}  // namespace outreach::campaigns

namespace outreach::campaigns {
namespace {

// p0 = "x"; p(i) = "{{> p(i-1)}}{{> p(i-1)}}": p29 would expand to 2^29 bytes.
Campaign doubling_chain(int levels) {
  Campaign c = campaign();
  c.partials["p0"] = {{"nl", "x"}};
  for (int i = 1; i < levels; ++i) {
    const std::string prev = "{{> p" + std::to_string(i - 1) + "}}";
    c.partials["p" + std::to_string(i)] = {{"nl", prev + prev}};
  }
  c.templates["bomb"]["nl"] = {"", "Hallo {{> p" + std::to_string(levels - 1) + "}}", ""};
  return c;
}

TEST(TemplatePartials, ThirtyLevelDoublingChainIsRefusedQuicklyNamingTheTemplate) {
  const Campaign c = doubling_chain(30);
  const auto started = std::chrono::steady_clock::now();
  auto st = check_partials(c, "bomb", "nl");
  auto r = render(c, "bomb", "nl", {});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().what(),
            "templates.bomb.nl.text: partials nest deeper than 8 levels (p29 > p28 > p27 > p26 > p25 > p24 > p23 > p22 > p21)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what(), st.error().what());
  EXPECT_LT(took, std::chrono::milliseconds(100));
}

TEST(TemplatePartials, WideExpansionWithinTheDepthLimitIsRefusedBySize) {
  Campaign c = campaign();
  c.partials["k"] = {{"nl", std::string(1024, 'k')}};
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "{{> k}}";
  c.partials["wide"] = {{"nl", ten}};
  std::string seven;
  for (int i = 0; i < 7; ++i) seven += "{{> wide}}";
  c.templates["big"]["nl"] = {"", seven, ""};
  auto st = check_partials(c, "big", "nl");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().what(), "templates.big.nl.text: expands to more than 65536 bytes through its partials");
}

TEST(TemplatePartials, EightLevelsAndSharedPartialsAreFine) {
  const Campaign c = doubling_chain(8);  // p7 > p6 > ... > p0: 8 levels, 128 bytes
  EXPECT_TRUE(check_partials(c, "bomb", "nl").ok());
  auto r = render(c, "bomb", "nl", {});
  ASSERT_TRUE(r.ok()) << r.error().what();
  EXPECT_EQ(r->text, "Hallo " + std::string(128, 'x'));
  EXPECT_FALSE(check_partials(doubling_chain(9), "bomb", "nl").ok());
}

TEST(TemplatePartials, ACycleStillNamesThePartial) {
  Campaign c = campaign();
  c.partials["a"] = {{"nl", "{{> b}}"}};
  c.partials["b"] = {{"nl", "{{> a}}"}};
  c.templates["loop"]["nl"] = {"", "{{> a}}", ""};
  EXPECT_EQ(check_partials(c, "loop", "nl").error().what(), "partials.a: partial 'a' includes itself");
}

// Found by fuzz/template_fuzzer (corpus: fuzz/corpus/template/crash-partial-cycle-behind-empty-tag):
// the scanner stopped at the empty tag "{{> }}", so check_partials never saw the "{{> footer}}"
// behind it, and Mustache expanded footer inside footer until the stack overflowed.
TEST(TemplatePartials, AnUnreadablePartialCannotHideACycle) {
  Campaign c = campaign();
  const char text[] = "St5ctypeIcE{{cam\0\2ign_name}}\nBeste {{name}},\n\nU kunt hulp krijgen. {{> footer}}\n";
  c.templates["fuzz"]["nl"] = {"", std::string(text, sizeof text - 1), ""};
  c.partials["footer"] = {{"nl", "Stop? Antw{{> }}aulp krijgen. {{> footer}}\n}}\nender}}\n"}};
  auto r = render(c, "fuzz", "nl", vars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(r.error().what(), "partials.footer.nl: template syntax: empty tag");

  c.templates["fuzz"]["nl"].text = "{{> }} {{> footer}}";
  c.partials["footer"] = {{"nl", "{{> footer}}"}};
  EXPECT_EQ(check_partials(c, "fuzz", "nl").error().what(), "templates.fuzz.nl.text: template syntax: empty tag");
}

// What Mustache makes of a text with the campaign's partials given as partials (parsed on each
// render): the reference the prepared templates, which expand partials once, must match.
std::string reference_render(const Campaign& c, const std::string& lang, const std::string& text, const RenderVars& v,
                             bool html) {
  namespace mstch = kainjow::mustache;
  mstch::mustache tmpl(text);
  if (!html) tmpl.set_custom_escape([](const std::string& s) { return s; });
  mstch::data campaign_data{mstch::data::type::object};
  campaign_data.set("sender", c.sender);
  campaign_data.set("reply_number", c.reply_number);
  campaign_data.set("campaign_name", c.name);
  for (const auto& [name, texts] : c.partials) {
    auto t = texts.count(lang) ? texts.at(lang) : texts.count("nl") ? texts.at("nl") : std::string();
    if (texts.count(lang) || texts.count("nl")) campaign_data.set(name, mstch::partial{[t] { return t; }});
  }
  mstch::data person{mstch::data::type::object};
  for (const auto& [k, val] : v) person.set(k, val);
  mstch::context<std::string> ctx(&campaign_data);
  ctx.push(&person);
  return tmpl.render(ctx);
}

TEST(TemplatePartials, ExpandedOnceTheyRenderAsMustacheRendersThemPerMessage) {
  Campaign c = campaign();
  c.partials["greeting"] = {{"nl", "Beste {{name}},\n{{> footer}}"}, {"en", "Dear {{{name}}},\n{{>footer}}"}};
  c.partials["block"] = {{"nl", "{{#first_name}}\nvoor {{&first_name}}\n{{/first_name}}\n{{^missing}}  niemand\n{{/missing}}"}};
  c.partials["marked"] = {{"nl", "<b>{{name}}</b> {{! a comment }} {{> unknown}}."}};
  const std::vector<std::string> texts = {
      "{{> greeting}}\n\n{{> optout}}\n",
      "  {{> block}}\n{{ > footer }}\n",
      "{{#name}}{{> greeting}}{{/name}}{{^name}}{{> optout}}{{/name}}",
      "<p>{{> marked}}</p>\n{{{name}}} {{> nothing_here}}",
      "no partials: {{name}} {{sender}}",
  };
  const std::vector<RenderVars> people = {
      vars(),
      {{"name", "A <b>"}},
      {},
      {{"name", "Jan"}, {"footer", "{{first_name}} overrides the partial"}},  // a variable named like a partial
      {{"name", "Jan"}, {"unknown", "shown in place of an unknown partial"}},
  };
  int i = 0;
  for (const auto& text : texts) {
    for (const char* lang : {"nl", "en"}) {
      c.templates["t" + std::to_string(i)][lang] = {text, text, text};
      for (const auto& person : people) {
        auto r = render(c, "t" + std::to_string(i), lang, person);
        ASSERT_TRUE(r.ok()) << r.error().what();
        EXPECT_EQ(r->subject, reference_render(c, lang, text, person, false)) << text << " / " << lang;
        EXPECT_EQ(r->text, reference_render(c, lang, text, person, false)) << text << " / " << lang;
        EXPECT_EQ(r->html, reference_render(c, lang, text, person, true)) << text << " / " << lang;
      }
    }
    ++i;
  }
  // And through one PreparedTemplates, as the dispatcher renders message after message.
  PreparedTemplates prepared(c);
  for (int round = 0; round < 2; ++round) {
    for (const auto& person : people) {
      auto r = prepared.render("t0", "nl", person);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->text, reference_render(c, "nl", texts[0], person, false));
    }
  }
}


// Texts of literal text and variables only are rendered by appending (campaigns/plain_template.h),
// not by Mustache; whatever Mustache would read differently must come out as Mustache renders it.
TEST(TemplateRenderer, TextsOfVariablesOnlyRenderAsMustacheRendersThem) {
  Campaign c = campaign();
  const std::vector<std::string> texts = {
      "Beste {{name}}, hulp in {{ municipality_name }}. {{sender}} {{reply_number}} {{campaign_name}}",
      "<p>{{{name}}} / {{& name}} / {{&name}} / {{ { name } }}</p>",
      "{{name}}}{{{first_name}} en {{unknown_var}}.",
      "{{name.first}} {{.}} {{ name\t}} {{first-name}} {{footer}}",
      "{{! comment }}{{name}}",
      "geen variabelen, wel accolades } {{{{ }}",
      "",
      "{{name}}",
  };
  const std::vector<RenderVars> people = {
      vars(),
      {{"name", "<b>\"O'Neil\" & {{first_name}}</b>"}, {"first_name", "{{{name}}}"}, {"first-name", "streepje"}},
      {{"name", "Jan"}, {"sender", "Een persoon boven de campagne"}, {"campaign_name", ""}},
      {},
  };
  PreparedTemplates prepared(c);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string id = "v" + std::to_string(i);
    c.templates[id]["nl"] = {texts[i], texts[i], texts[i]};
    for (int round = 0; round < 2; ++round) {  // the second from the prepared template, as the dispatcher renders
      for (const auto& person : people) {
        auto r = prepared.render(id, "nl", person);
        if (!r.ok()) {
          EXPECT_FALSE(render(c, id, "nl", person).ok()) << texts[i];
          continue;
        }
        EXPECT_EQ(r->subject, reference_render(c, "nl", texts[i], person, false)) << texts[i];
        EXPECT_EQ(r->text, reference_render(c, "nl", texts[i], person, false)) << texts[i];
        EXPECT_EQ(r->html, reference_render(c, "nl", texts[i], person, true)) << texts[i];
      }
    }
  }
  // The values are the person's: escaped in html, never read as tags.
  c.templates["plain"]["nl"] = {"{{name}}", "Beste {{name}}!", "<p>{{name}} {{{name}}}</p>"};
  auto r = prepared.render("plain", "nl", {{"name", "<a> & 'b' \"c\" {{sender}}"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Beste <a> & 'b' \"c\" {{sender}}!");
  EXPECT_EQ(r->html, "<p>&lt;a&gt; &amp; &apos;b&apos; &quot;c&quot; {{sender}} <a> & 'b' \"c\" {{sender}}</p>");
}

}  // namespace
}  // namespace outreach::campaigns
