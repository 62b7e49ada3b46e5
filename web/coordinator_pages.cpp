// The coordinator's pages (issue 11 part 4): campaigns with state and version; a campaign page
// with its funnel as charts (web/bar_chart.h) and tables and the submit, launch, pause and resume
// buttons; the preview with counts and the per-person lookup; the messages in `unknown` with the
// redrive. Every page calls the same services as the CLI and the API (services::CampaignDesk,
// services::CampaignViews, services::Redrive) and shows their refusals; no rule lives here.

#include "services/campaign_desk.h"
#include "services/campaign_views.h"
#include "services/redrive.h"
#include "web/bar_chart.h"
#include "web/coordinator_data.h"
#include "web/funnel_chart.h"
#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

namespace mstch = kainjow::mustache;
using storage::PrincipalKind;

namespace {

services::CampaignDesk desk(WebContext& ctx, PageRequest& r) { return services::CampaignDesk(*r.db, *ctx.clock, *ctx.config, r.pending_audit); }
services::CampaignViews views(WebContext& ctx, PageRequest& r) {
  return services::CampaignViews(*r.db, *ctx.clock, *ctx.config, r.pending_audit);
}

PageResponse campaigns_page(WebContext& ctx, PageRequest& r) {
  auto list = views(ctx, r).list(*r.actor);
  if (!list) return show_error(r, list.error());
  Data data{Data::type::object};
  data.set("has_campaigns", !list->empty());
  data.set("campaigns", campaign_rows(r, *list, "/campaigns/"));
  return render_page(r, "coord_campaigns", "coord_campaigns_title", std::move(data));
}

// The funnel of one step as a table beside its chart.
mstch::data step_data(const PageRequest& r, const services::CampaignFunnel& f, const BarChart& chart, std::size_t step) {
  mstch::data s{mstch::data::type::object};
  const std::string step_id = step < f.step_ids.size() ? f.step_ids[step] : std::to_string(step + 1);
  s.set("table_id", "funnel-step-" + std::to_string(step + 1));
  s.set("heading", text(r, "col_step") + " " + std::to_string(step + 1) + " (" + step_id + ")");
  s.set("caption", text(r, "coord_funnel_caption") + " " + std::to_string(step + 1) + " (" + step_id + ")");
  s.set("svg", render_bar_chart(chart));
  mstch::list rows;
  for (const auto& c : f.cells) {
    if (static_cast<std::size_t>(c.step) != step) continue;
    mstch::data row{mstch::data::type::object};
    row.set("municipality", c.municipality_name.empty() ? std::string("?") : c.municipality_name);
    row.set("channel", c.channel.empty() ? text(r, "coord_no_channel") : c.channel);
    row.set("total", num(c.total));
    row.set("open", num(c.open));
    row.set("sent", num(c.sent));
    row.set("delivered", num(c.delivered));
    row.set("read", num(c.read));
    row.set("failed", num(c.failed));
    row.set("unknown", num(c.unknown));
    row.set("stopped", num(c.stopped));
    rows.push_back(std::move(row));
  }
  s.set("has_rows", !rows.empty());
  s.set("rows", rows);
  return s;
}

PageResponse campaign_page(WebContext& ctx, PageRequest& r, const FormErrors& errors = {}, int status = 200) {
  const std::string& key = r.param("key");
  auto st = desk(ctx, r).status(*r.actor, key);
  if (!st) return show_error(r, st.error());
  auto funnel = views(ctx, r).funnel(*r.actor, key);
  if (!funnel) return show_error(r, funnel.error());
  Data data{Data::type::object};
  const std::string href = campaign_href(st->key);
  data.set("key", st->key);
  data.set("href", href);
  data.set("name", st->name);
  data.set("state_text", state_text(r, st->state));
  data.set("version", num(st->version));
  data.set("author", st->author);
  data.set("approved_by", st->approved_by.empty() ? text(r, "coord_nobody_yet") : st->approved_by);
  data.set("messages", num(st->messages));
  // The buttons that make sense in this state; the desk decides whether the actor may.
  mstch::list actions;
  auto action = [&](const char* verb, const char* label_key) {
    actions.push_back(mstch::object{{"verb", std::string(verb)}, {"label", text(r, label_key)}});
  };
  if (st->state == "draft") action("submit", "coord_submit");
  if (st->state == "approved") action("launch", "coord_launch");
  if (st->state == "running") action("pause", "coord_pause");
  if (st->state == "paused") action("resume", "coord_resume");
  data.set("has_actions", !actions.empty());
  data.set("actions", actions);
  FunnelChartText words;
  words.total = text(r, "chart_total");
  words.sent = text(r, "chart_sent");
  words.delivered = text(r, "chart_delivered");
  words.read = text(r, "chart_read");
  words.no_channel = text(r, "coord_no_channel");
  words.title = text(r, "chart_title");
  words.description = text(r, "chart_description");
  words.empty = text(r, "chart_empty");
  words.others = text(r, "chart_others");
  const auto charts = funnel_charts(*funnel, words);
  mstch::list steps;
  for (std::size_t i = 0; i < charts.size(); ++i) steps.push_back(step_data(r, *funnel, charts[i], i));
  data.set("steps", steps);
  return render_page(r, "coord_campaign", "coord_campaign_title", std::move(data), errors, status);
}

PageResponse campaign_action(WebContext& ctx, PageRequest& r, const std::string& verb) {
  const std::string& key = r.param("key");
  auto d = desk(ctx, r);
  core::Status st;
  if (verb == "submit") st = d.submit(*r.actor, key);
  else if (verb == "pause") st = d.pause(*r.actor, key);
  else if (verb == "resume") st = d.resume(*r.actor, key);
  else if (verb == "launch") {
    auto report = d.launch(*r.actor, key);
    if (!report) st = report.error();
  }
  if (!st) {
    const auto& e = st.error();
    if (e.code != core::ErrorCode::conflict && e.code != core::ErrorCode::forbidden) return show_error(r, e);
    FormErrors errors;
    errors.add("main", text(r, e.code == core::ErrorCode::conflict ? "coord_action_conflict" : "coord_action_forbidden") +
                           " (" + e.message + ")");
    return campaign_page(ctx, r, errors, e.code == core::ErrorCode::conflict ? 409 : 403);
  }
  return PageResponse::see_other(campaign_href(key), "flash_" + verb + "_done");
}

PageResponse preview_page(WebContext& ctx, PageRequest& r, Data extra = Data{Data::type::object},
                          const FormErrors& errors = {}, int status = 200) {
  const std::string& key = r.param("key");
  auto p = desk(ctx, r).preview(*r.actor, key);
  if (!p) return show_error(r, p.error());
  auto st = desk(ctx, r).status(*r.actor, key);
  if (!st) return show_error(r, st.error());
  Data& data = extra;
  data.set("key", key);
  data.set("href", campaign_href(key));
  data.set("name", st->name);
  data.set("included", num(p->included));
  data.set("suppressed", num(p->suppressed));
  mstch::list tables;
  auto table = [&](const char* id, const char* caption_key, const char* heading_key,
                   const std::map<std::string, int>& counts, bool reasons) {
    mstch::list rows;
    for (const auto& [label, n] : counts) {
      rows.push_back(mstch::object{{"label", reasons ? reason_text(r, label) : label}, {"count", num(n)}});
    }
    if (rows.empty()) return;
    tables.push_back(mstch::object{{"id", std::string(id)}, {"caption", text(r, caption_key)},
                                   {"heading", text(r, heading_key)}, {"rows", rows}});
  };
  table("by-municipality", "coord_preview_by_municipality", "col_municipality", p->by_municipality, false);
  table("by-language", "coord_preview_by_language", "col_language", p->by_language, false);
  table("by-channel", "coord_preview_by_channel", "col_channel", p->by_channel, false);
  table("by-reason", "coord_preview_by_reason", "col_reason", p->suppressed_by_reason, true);
  data.set("count_tables", tables);
  mstch::list samples;
  for (const auto& s : p->samples) {
    samples.push_back(mstch::object{{"channel", s.channel}, {"language", s.language}, {"subject", s.subject},
                                    {"text", s.text}});
  }
  data.set("samples", samples);
  return render_page(r, "coord_preview", "coord_preview_title", std::move(data), errors, status);
}

PageResponse lookup(WebContext& ctx, PageRequest& r) {
  const std::string& who = r.field("who");
  Data data{Data::type::object};
  data.set("who", who);
  auto found = views(ctx, r).lookup(*r.actor, r.param("key"), who);
  if (!found) {
    if (found.error().code != core::ErrorCode::invalid_input) return show_error(r, found.error());
    FormErrors errors;
    errors.add("who", text(r, "coord_lookup_invalid"));
    return preview_page(ctx, r, std::move(data), errors, 400);
  }
  mstch::data l{mstch::data::type::object};
  l.set("included", found->included);
  l.set("reason", found->reason);
  l.set("reason_text", reason_text(r, found->reason));
  if (found->included) {
    l.set("name", found->name);
    l.set("contact_id", num(found->contact_id));
    l.set("municipality", found->municipality);
    mstch::list steps;
    for (const auto& s : found->steps) {
      steps.push_back(mstch::object{{"number", num(s.step + 1)},
                                    {"step_id", s.step_id},
                                    {"channel", s.channel.empty() ? text(r, "coord_no_channel_now") : s.channel},
                                    {"language", s.language},
                                    {"subject", s.subject},
                                    {"text", s.text},
                                    {"outbox_status", s.outbox_status}});
    }
    l.set("steps", steps);
  }
  data.set("lookup", l);
  return preview_page(ctx, r, std::move(data));
}

PageResponse unknown_page(WebContext& ctx, PageRequest& r) {
  const std::string& key = r.param("key");
  auto st = desk(ctx, r).status(*r.actor, key);
  if (!st) return show_error(r, st.error());
  auto list = views(ctx, r).unknown(*r.actor, key);
  if (!list) return show_error(r, list.error());
  Data data{Data::type::object};
  data.set("href", campaign_href(key));
  data.set("name", st->name);
  data.set("has_messages", !list->empty());
  data.set("redrive_all_label", text(r, "coord_redrive_all") + " (" + num(static_cast<std::int64_t>(list->size())) + ")");
  mstch::list rows;
  for (const auto& m : *list) {
    rows.push_back(mstch::object{{"id", num(m.id)},
                                 {"step", num(m.step + 1) + (m.step_id.empty() ? "" : " (" + m.step_id + ")")},
                                 {"channel", m.channel},
                                 {"attempts", num(m.attempts)},
                                 {"reason", m.reason},
                                 {"button_label", text(r, "coord_redrive_one") + " " + num(m.id)}});
  }
  data.set("messages", rows);
  return render_page(r, "coord_unknown", "coord_unknown_title", std::move(data));
}

PageResponse redrive(WebContext& ctx, PageRequest& r) {
  const std::string& key = r.param("key");
  std::vector<std::int64_t> ids;
  if (const auto& id = r.field("id"); !id.empty()) {
    try {
      ids.push_back(std::stoll(id));
    } catch (const std::exception&) {
      return error_page(r, 400);
    }
  }
  // One message by id (of this campaign) or all of the campaign's.
  auto done = services::Redrive(*r.db, *ctx.clock).messages(*r.actor, ids.empty() ? key : std::string(), ids);
  if (!done) return show_error(r, done.error());
  return PageResponse::see_other(campaign_href(key) + "/unknown", "flash_redrive_done");
}

}  // namespace

void add_coordinator_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  using K = PrincipalKind;
  const std::vector<K> coord = {K::coordinator, K::operator_};
  router.add({.method = "GET", .pattern = "/campaigns", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return campaigns_page(*ctx, r); },
              .on_reader = true});
  router.add({.method = "GET", .pattern = "/campaigns/{key}", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return campaign_page(*ctx, r); },
              .on_reader = true});
  for (const char* verb : {"submit", "launch", "pause", "resume"}) {
    std::string v = verb;
    router.add({.method = "POST", .pattern = "/campaigns/{key}/" + v, .kinds = coord,
                .handler = [ctx, v](PageRequest& r) { return campaign_action(*ctx, r, v); }});
  }
  router.add({.method = "GET", .pattern = "/campaigns/{key}/preview", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return preview_page(*ctx, r); },
              .on_reader = true});
  router.add({.method = "POST", .pattern = "/campaigns/{key}/lookup", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return lookup(*ctx, r); }});
  router.add({.method = "GET", .pattern = "/campaigns/{key}/unknown", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return unknown_page(*ctx, r); },
              .on_reader = true});
  router.add({.method = "POST", .pattern = "/campaigns/{key}/redrive", .kinds = coord,
              .handler = [ctx](PageRequest& r) { return redrive(*ctx, r); }});
}

}  // namespace outreach::web
