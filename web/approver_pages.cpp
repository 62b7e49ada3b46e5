// The approver's pages (issue 11 part 5): the campaigns to review; per campaign what changed since
// the last approved version (a list and a line diff), every template rendered per language and
// channel with its lint, readability and SMS parts, and approve or reject with a reason. The
// four-eyes rule (the author cannot approve) and the parents' panel rule stay in
// services::CampaignDesk; this page shows their refusal.

#include "services/campaign_desk.h"
#include "services/campaign_views.h"
#include "web/coordinator_data.h"
#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

namespace mstch = kainjow::mustache;
using storage::PrincipalKind;

namespace {

bool decides(const PageRequest& r) {
  return r.actor->is(PrincipalKind::approver) || r.actor->is(PrincipalKind::parent_panel);
}

PageResponse reviews_page(WebContext& ctx, PageRequest& r) {
  auto list = services::CampaignViews(*r.db, *ctx.clock, *ctx.config, r.pending_audit).list(*r.actor);
  if (!list) return show_error(r, list.error());
  // Waiting for a decision first, then the rest by key.
  std::stable_sort(list->begin(), list->end(), [](const auto& a, const auto& b) {
    return (a.state == "in_review") > (b.state == "in_review");
  });
  Data data{Data::type::object};
  data.set("has_campaigns", !list->empty());
  data.set("campaigns", campaign_rows(r, *list, "/reviews/"));
  return render_page(r, "approver_list", "review_list_title", std::move(data));
}

std::string sms_text(const PageRequest& r, const services::RenderedTemplate& t) {
  if (t.sms_encoding.empty()) return {};
  return text(r, "review_sms") + ": " + t.sms_encoding + ", " + num(t.sms_characters) + " " + text(r, "review_chars") +
         ", " + num(t.sms_segments) + " " + text(r, t.sms_segments == 1 ? "review_segment" : "review_segments");
}

PageResponse review_page(WebContext& ctx, PageRequest& r, Data data = Data{Data::type::object},
                         const FormErrors& errors = {}, int status = 200) {
  const std::string& key = r.param("key");
  services::CampaignDesk desk(*r.db, *ctx.clock, *ctx.config, r.pending_audit);
  services::CampaignViews views(*r.db, *ctx.clock, *ctx.config, r.pending_audit);
  auto st = desk.status(*r.actor, key);
  if (!st) return show_error(r, st.error());
  auto changes = views.changes(*r.actor, key);
  if (!changes) return show_error(r, changes.error());
  auto templates = views.templates(*r.actor, key);
  if (!templates) return show_error(r, templates.error());
  data.set("key", st->key);
  data.set("name", st->name);
  data.set("version", num(st->version));
  data.set("state_text", state_text(r, st->state));
  data.set("author", st->author);
  data.set("can_decide", decides(r) && st->state == "in_review");
  data.set("changes_heading", changes->approved_version
                                  ? text(r, "review_changes_since") + " " + num(*changes->approved_version)
                                  : text(r, "review_changes_first"));
  mstch::list items;
  for (const auto& i : changes->items) {
    items.push_back(mstch::object{{"part", i.part}, {"what", i.what},
                                  {"before", i.before.empty() ? text(r, "review_none_value") : i.before},
                                  {"after", i.after.empty() ? text(r, "review_none_value") : i.after}});
  }
  data.set("has_items", !items.empty());
  data.set("items", items);
  mstch::list diff;
  for (const auto& l : changes->diff) {
    const char* kind = l.op == '+' ? "added" : l.op == '-' ? "removed" : "same";
    diff.push_back(mstch::object{{"kind", std::string(kind)},
                                 {"old_line", l.old_line ? num(l.old_line) : std::string()},
                                 {"new_line", l.new_line ? num(l.new_line) : std::string()},
                                 {"op_text", text(r, std::string("review_diff_") + kind)},
                                 {"text", l.text}});
  }
  data.set("has_diff", !diff.empty());
  data.set("diff", diff);
  mstch::list rendered;
  for (const auto& t : *templates) {
    mstch::list errs, warns;
    for (const auto& e : t.errors) errs.push_back(e);
    for (const auto& w : t.warnings) warns.push_back(w);
    std::string steps;
    for (const auto& s : t.steps) steps += (steps.empty() ? "" : ", ") + s;
    rendered.push_back(mstch::object{{"template_id", t.template_id}, {"language", t.language}, {"channel", t.channel},
                                     {"steps", steps}, {"subject", t.subject}, {"text", t.text},
                                     {"render_error", t.render_error}, {"sms", sms_text(r, t)},
                                     {"readability", t.readability},
                                     {"has_findings", !t.errors.empty() || !t.warnings.empty()},
                                     {"errors", errs}, {"warnings", warns}});
  }
  data.set("templates", rendered);
  return render_page(r, "approver_review", "review_title", std::move(data), errors, status);
}

PageResponse decide(WebContext& ctx, PageRequest& r, bool approve) {
  const std::string& key = r.param("key");
  services::CampaignDesk desk(*r.db, *ctx.clock, *ctx.config, r.pending_audit);
  const std::string& reason = r.field("reason");
  auto st = approve ? desk.approve(*r.actor, key) : desk.reject(*r.actor, key, reason);
  if (st) return PageResponse::see_other("/reviews/" + key, approve ? "flash_approved" : "flash_rejected");
  const auto& e = st.error();
  FormErrors errors;
  Data data{Data::type::object};
  data.set("reason", reason);
  if (e.code == core::ErrorCode::invalid_input && !approve) {
    errors.add("reason", text(r, "review_reason_missing"));
    return review_page(ctx, r, std::move(data), errors, 400);
  }
  if (e.code == core::ErrorCode::forbidden || e.code == core::ErrorCode::conflict) {
    // The four-eyes rule, the parents' panel or a state that moved on: say which, on the page.
    errors.add("main", text(r, e.code == core::ErrorCode::forbidden ? "review_refused" : "review_conflict") + " (" +
                               e.message + ")");
    return review_page(ctx, r, std::move(data), errors, e.code == core::ErrorCode::forbidden ? 403 : 409);
  }
  return show_error(r, e);
}

}  // namespace

void add_approver_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  using K = PrincipalKind;
  const std::vector<K> readers = {K::approver, K::parent_panel, K::coordinator, K::operator_};
  const std::vector<K> deciders = {K::approver, K::parent_panel};
  router.add({.method = "GET", .pattern = "/reviews", .kinds = readers,
              .handler = [ctx](PageRequest& r) { return reviews_page(*ctx, r); },
              .on_reader = true});
  router.add({.method = "GET", .pattern = "/reviews/{key}", .kinds = readers,
              .handler = [ctx](PageRequest& r) { return review_page(*ctx, r); },
              .on_reader = true});
  router.add({.method = "POST", .pattern = "/reviews/{key}/approve", .kinds = deciders,
              .handler = [ctx](PageRequest& r) { return decide(*ctx, r, true); }});
  router.add({.method = "POST", .pattern = "/reviews/{key}/reject", .kinds = deciders,
              .handler = [ctx](PageRequest& r) { return decide(*ctx, r, false); }});
}

}  // namespace outreach::web
