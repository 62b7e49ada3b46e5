// CampaignViews::changes and ::templates: what the approver reads before signing off a version
// (services/campaign_views.h), and the line diff they show.
#include <algorithm>
#include <set>
#include <sstream>

#include "campaigns/campaign_parser.h"
#include "campaigns/message_lint.h"
#include "campaigns/sample_messages.h"
#include "campaigns/sms_segments.h"
#include "campaigns/template_renderer.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "services/campaign_desk.h"
#include "services/campaign_views.h"
#include "services/plain_language_check.h"
#include "storage/campaign_store.h"
#include "storage/database.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class Differ {
 public:
  void field(const std::string& part, const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) items.push_back({part, what, a, b});
  }
  std::vector<ChangeItem> items;
};

std::string step_text(const campaigns::Step& s) {
  return "after " + campaigns::format_duration(s.after) + ", " + join(s.channels) + ", template " + s.template_id +
         (s.unless_responded ? ", unless responded" : "") +
         (s.expires_after ? ", expires after " + campaigns::format_duration(*s.expires_after) : "");
}

std::vector<ChangeItem> compare(const campaigns::Campaign& a, const campaigns::Campaign& b) {
  Differ d;
  d.field("campaign", "name", a.name, b.name);
  d.field("campaign", "sender", a.sender, b.sender);
  d.field("campaign", "reply number", a.reply_number, b.reply_number);
  d.field("campaign", "consent purpose", a.consent_purpose, b.consent_purpose);
  d.field("campaign", "asks for", a.asks_for, b.asks_for);
  d.field("campaign", "review by parent panel", a.review_by_parent_panel ? "yes" : "no",
          b.review_by_parent_panel ? "yes" : "no");
  d.field("audience", "municipalities", join(a.audience.municipalities), join(b.audience.municipalities));
  d.field("audience", "region", a.audience.region, b.audience.region);
  d.field("audience", "languages", join(a.audience.languages), join(b.audience.languages));
  d.field("audience", "tags", join(a.audience.tags), join(b.audience.tags));
  d.field("audience", "exclude", join(a.audience.exclude), join(b.audience.exclude));
  auto days = [](const campaigns::SendWindow& w) {
    std::vector<std::string> v;
    for (auto day : w.days) v.emplace_back(campaigns::to_string(day));
    return join(v) + " " + w.hours + " " + w.timezone;
  };
  d.field("send window", "send window", days(a.send_window), days(b.send_window));
  std::set<std::string> step_ids;
  for (const auto& s : a.steps) step_ids.insert(s.id);
  for (const auto& s : b.steps) step_ids.insert(s.id);
  for (const auto& id : step_ids) {
    const auto* sa = a.find_step(id);
    const auto* sb = b.find_step(id);
    d.field("steps", "step " + id, sa ? step_text(*sa) : "", sb ? step_text(*sb) : "");
  }
  auto post_text = [](const campaigns::Post& p) {
    return "after " + campaigns::format_duration(p.after) + ", " + p.channel + ", template " + p.template_id + " (" +
           p.language + ")";
  };
  std::map<std::string, std::pair<std::string, std::string>> posts;
  for (const auto& p : a.posts) posts[p.id].first = post_text(p);
  for (const auto& p : b.posts) posts[p.id].second = post_text(p);
  for (const auto& [id, texts] : posts) d.field("posts", "post " + id, texts.first, texts.second);
  std::set<std::pair<std::string, std::string>> langs;
  for (const auto* c : {&a, &b}) {
    for (const auto& [id, by_lang] : c->templates) {
      for (const auto& [lang, t] : by_lang) langs.insert({id, lang});
    }
  }
  for (const auto& key : langs) {
    // Named copies, not structured bindings: clang 14 (the fuzz build) cannot capture those.
    const std::string& id = key.first;
    const std::string& lang = key.second;
    auto get = [&](const campaigns::Campaign& c) -> const campaigns::TemplateText* {
      auto t = c.templates.find(id);
      if (t == c.templates.end()) return nullptr;
      auto l = t->second.find(lang);
      return l == t->second.end() ? nullptr : &l->second;
    };
    const auto* ta = get(a);
    const auto* tb = get(b);
    const std::string what = "template " + id + " " + lang;
    if (!ta || !tb) {
      d.field("templates", what, ta ? ta->text : "", tb ? tb->text : "");
      continue;
    }
    d.field("templates", what + " subject", ta->subject, tb->subject);
    d.field("templates", what + " text", ta->text, tb->text);
    d.field("templates", what + " html", ta->html, tb->html);
  }
  std::set<std::pair<std::string, std::string>> partials;
  for (const auto* c : {&a, &b}) {
    for (const auto& [name, by_lang] : c->partials) {
      for (const auto& [lang, text] : by_lang) partials.insert({name, lang});
    }
  }
  for (const auto& key : partials) {
    const std::string& name = key.first;
    const std::string& lang = key.second;
    auto get = [&](const campaigns::Campaign& c) -> std::string {
      auto p = c.partials.find(name);
      if (p == c.partials.end()) return {};
      auto l = p->second.find(lang);
      return l == p->second.end() ? std::string() : l->second;
    };
    d.field("partials", "partial " + name + " " + lang, get(a), get(b));
  }
  return d.items;
}

}  // namespace

std::vector<DiffLine> line_diff(const std::string& before, const std::string& after, int context) {
  const auto a = split_lines(before);
  const auto b = split_lines(after);
  const std::size_t n = a.size(), m = b.size();
  std::vector<DiffLine> all;
  if (n * m > 4'000'000) {  // too big to align: everything old out, everything new in
    for (std::size_t i = 0; i < n; ++i) all.push_back({'-', static_cast<int>(i + 1), 0, a[i]});
    for (std::size_t j = 0; j < m; ++j) all.push_back({'+', 0, static_cast<int>(j + 1), b[j]});
  } else {
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] == b[j]) {
        all.push_back({' ', static_cast<int>(i + 1), static_cast<int>(j + 1), a[i]});
        ++i;
        ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {  // removals first
        all.push_back({'-', static_cast<int>(i + 1), 0, a[i]});
        ++i;
      } else {
        all.push_back({'+', 0, static_cast<int>(j + 1), b[j]});
        ++j;
      }
    }
  }
  // Keep `context` unchanged lines around each change.
  std::vector<bool> keep(all.size(), false);
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (all[k].op == ' ') continue;
    const std::size_t lo = k >= static_cast<std::size_t>(context) ? k - static_cast<std::size_t>(context) : 0;
    const std::size_t hi = std::min(all.size() - 1, k + static_cast<std::size_t>(context));
    for (std::size_t x = lo; x <= hi; ++x) keep[x] = true;
  }
  std::vector<DiffLine> out;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (keep[k]) out.push_back(all[k]);
  }
  return out;
}

core::Result<CampaignChanges> CampaignViews::changes(const Actor& actor, const std::string& key) const {
  if (auto st = require_campaign_reader(actor, "read campaign changes"); !st) return st.error();
  storage::CampaignStore store(db_);
  auto rec = store.find(key);
  if (!rec) return rec.error();
  auto current = store.version(rec->id, rec->version);
  if (!current) return current.error();
  CampaignChanges out;
  out.version = rec->version;
  std::optional<storage::CampaignVersion> base;
  for (int v = rec->version - 1; v >= 1 && !base; --v) {
    auto older = store.version(rec->id, v);
    if (older && !older->approved_by.empty()) base = *older;
  }
  if (!base) {
    out.diff = line_diff("", current->source_text, 0);
    return out;
  }
  out.approved_version = base->version;
  out.diff = line_diff(base->source_text, current->source_text);
  auto now = engine::parse_campaign_version(*current, current->version);
  auto then = engine::parse_campaign_version(*base, base->version);
  if (now && then) out.items = compare(*then, *now);
  return out;
}

core::Result<std::vector<RenderedTemplate>> CampaignViews::templates(const Actor& actor, const std::string& key) const {
  if (auto st = require_campaign_reader(actor, "read campaign templates"); !st) return st.error();
  auto rec = storage::CampaignStore(db_).find(key);
  if (!rec) return rec.error();
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  if (!campaign) return campaign.error();
  const auto kinds = engine::channel_kinds(config_);
  const campaigns::SampleMessages samples(*campaign);
  auto findings = campaigns::lint(*campaign, kinds, samples);
  auto plain = check_plain_language(*campaign, samples, config_);
  findings.insert(findings.end(), plain.findings.begin(), plain.findings.end());
  // (template, channel) -> the steps or posts that send it.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> uses;
  for (const auto& s : campaign->steps) {
    for (const auto& ch : s.channels) uses[{s.template_id, ch}].push_back(s.id);
  }
  for (const auto& p : campaign->posts) uses[{p.template_id, p.channel}].push_back(p.id);
  std::vector<RenderedTemplate> out;
  for (const auto& [use, ids] : uses) {
    const auto& [template_id, channel] = use;
    auto t = campaign->templates.find(template_id);
    if (t == campaign->templates.end()) continue;
    for (const auto& [lang, text] : t->second) {
      RenderedTemplate r;
      r.template_id = template_id;
      r.language = lang;
      r.channel = channel;
      r.steps = ids;
      if (const auto& m = samples.at(template_id, lang)) {
        r.subject = m->subject;
        r.text = m->text;
        if (channel == "sms") {
          auto sms = campaigns::count_sms(m->text);
          r.sms_encoding = campaigns::to_string(sms.encoding);
          r.sms_characters = sms.characters;
          r.sms_segments = sms.segments;
        }
      } else {
        r.render_error = m.error().what();
      }
      const std::string prefix = "templates." + template_id + "." + lang;
      for (const auto& f : findings) {
        if (f.field != prefix && f.field.rfind(prefix + ".", 0) != 0) continue;
        (f.severity == campaigns::Finding::error ? r.errors : r.warnings).push_back(f.str());
      }
      const std::string line_prefix = template_id + " " + lang + ":";
      for (const auto& line : plain.readability) {
        if (line.rfind(line_prefix, 0) == 0) r.readability = line;
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace outreach::services
