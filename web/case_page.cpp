// One case for its owner: the person, the case, what the owner can do next (acknowledge, in
// contact, close with an outcome and a note, name a handler), the person's replies, the volunteers'
// contact logs, the case's history and the follow-up. services::CaseDesk decides what is shown and
// what is allowed; a case the actor does not own is "not found", whether or not it exists.

#include <cstdint>

#include "services/case_desk.h"
#include "services/followups.h"
#include "web/case_view.h"
#include "web/clerk_pages.h"
#include "web/render.h"
#include "web/strings.h"

namespace outreach::web {

namespace {

std::optional<std::int64_t> case_id(const PageRequest& r) {
  const std::string& id = r.param("id");
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(id);
}

std::string label_or(const PageRequest& r, const std::string& key, const std::string& fallback) {
  return strings(r.lang).count(key) ? text(r, key) : fallback;
}

// What the page's forms had, to show again with the errors.
struct Entered {
  std::string outcome;
  std::string note;
  std::optional<std::string> handler;
};

Data detail_data(const PageRequest& r, const services::CaseDetail& d, const Entered& entered) {
  const storage::Case& c = d.row.c;
  Data data = case_row_data(r, d.row, d.overdue);
  data.set("form_key", new_form_key());
  if (c.closed_at) data.set("closed", time_data(*c.closed_at));
  if (!c.outcome.empty()) data.set("outcome", label_or(r, "outcome_" + c.outcome, c.outcome));
  data.set("can_acknowledge", c.status == "open" || c.status == "escalated_hub" || c.status == "escalated_fallback");
  data.set("can_contact", c.status == "acknowledged");
  data.set("can_close", c.status != "closed");
  kainjow::mustache::list outcomes;
  for (const auto& o : storage::case_outcomes()) {
    Data od{Data::type::object};
    od.set("value", o);
    od.set("label", label_or(r, "outcome_" + o, o));
    od.set("checked", o == entered.outcome);
    outcomes.push_back(od);
  }
  data.set("outcomes", outcomes);
  data.set("note", entered.note);
  data.set("handler_value", entered.handler.value_or(c.handler_name));

  kainjow::mustache::list replies;
  for (const auto& reply : d.replies) {
    Data rd{Data::type::object};
    rd.set("at", time_data(reply.received_at));
    rd.set("channel", reply.channel);
    rd.set("text", reply.text);
    replies.push_back(rd);
  }
  data.set("replies", replies);
  data.set("no_replies", replies.empty());

  kainjow::mustache::list logs;
  for (const auto& l : d.contact_logs) {
    Data ld{Data::type::object};
    ld.set("at", time_data(l.at));
    ld.set("who", l.collector);
    ld.set("how", l.mode);
    ld.set("outcome", label_or(r, "contact_outcome_" + l.outcome, l.outcome));
    ld.set("note", l.note);
    if (!l.follow_up.empty()) ld.set("follow_up", l.follow_up);
    logs.push_back(ld);
  }
  data.set("logs", logs);
  data.set("no_logs", logs.empty());

  kainjow::mustache::list history;
  for (const auto& e : d.history) {
    Data hd{Data::type::object};
    hd.set("at", time_data(e.at));
    hd.set("what", state_label(r, e.status));
    hd.set("who", e.actor);
    hd.set("outcome", e.outcome.empty() ? std::string() : label_or(r, "outcome_" + e.outcome, e.outcome));
    hd.set("note", e.note);
    history.push_back(hd);
  }
  data.set("history", history);

  if (d.followup) {
    Data fd{Data::type::object};
    fd.set("score", d.followup->score ? std::to_string(*d.followup->score) : std::string());
    if (!d.followup->comment.empty()) fd.set("comment", d.followup->comment);
    fd.set("waiting", !d.followup->score.has_value());
    data.set("followup", fd);
  }
  return data;
}

PageResponse show_case(WebContext& ctx, PageRequest& r, const Entered& entered = {}, const FormErrors& errors = {}) {
  auto id = case_id(r);
  if (!id) return error_page(r, 404);
  auto d = services::CaseDesk(*r.db, *ctx.clock, *ctx.config, r.pending_audit).detail(*r.actor, *id);
  if (!d) return d.error().code == core::ErrorCode::forbidden ? error_page(r, 404) : show_error(r, d.error());
  Data data = detail_data(r, *d, entered);
  return render_page(r, "case", "case_title", std::move(data), errors, errors.empty() ? 200 : 400);
}

// After a change: back to the case with a flash; a refusal shows nothing of a case not the actor's.
PageResponse after_change(PageRequest& r, std::int64_t id, const core::Error* error, const char* flash) {
  const std::string back = "/cases/" + std::to_string(id);
  if (!error) return PageResponse::see_other(back, flash);
  switch (error->code) {
    case core::ErrorCode::forbidden:
    case core::ErrorCode::not_found:
      return error_page(r, 404);
    case core::ErrorCode::conflict:  // a second tap, or someone else was first: show how it stands
      return PageResponse::see_other(back, "flash_case_unchanged");
    default:
      return show_error(r, *error);
  }
}

PageResponse change(WebContext& ctx, PageRequest& r, const std::string& status, const char* flash) {
  auto id = case_id(r);
  if (!id) return error_page(r, 404);
  services::CaseChange change{.status = status};
  if (status == "closed") {
    change.outcome = r.field("outcome");
    change.note = r.field("note");
  }
  auto done = services::CaseDesk(*r.db, *ctx.clock, *ctx.config).change(*r.actor, *id, change);
  if (!done && done.error().code == core::ErrorCode::invalid_input &&
      (done.error().where == "outcome" || done.error().where == "note")) {
    FormErrors errors;
    if (done.error().where == "outcome") errors.add("outcome", text(r, "case_outcome_required"));
    else errors.add("note", text(r, "case_note_too_long"));
    return show_case(ctx, r, {.outcome = change.outcome, .note = change.note}, errors);
  }
  return after_change(r, *id, done ? nullptr : &done.error(), flash);
}

PageResponse name_handler(WebContext& ctx, PageRequest& r) {
  auto id = case_id(r);
  if (!id) return error_page(r, 404);
  const std::string name = r.field("handler");
  auto done = services::Followups(*r.db, *ctx.clock, *ctx.config).name_handler(*r.actor, *id, name);
  if (!done && done.error().code == core::ErrorCode::invalid_input) {
    FormErrors errors;
    errors.add("handler", text(r, "case_handler_bad"));
    return show_case(ctx, r, {.handler = name}, errors);
  }
  return after_change(r, *id, done ? nullptr : &done.error(), "flash_case_handler");
}

}  // namespace

void add_case_page(PageRouter& router, const std::vector<storage::PrincipalKind>& kinds) {
  WebContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/cases/{id}", .kinds = kinds,
              .handler = [ctx](PageRequest& r) { return show_case(*ctx, r); },
              .on_reader = true});
  const struct {
    const char* path;
    const char* status;
    const char* flash;
  } kActions[] = {{"acknowledge", "acknowledged", "flash_case_acknowledged"},
                  {"in-contact", "in_contact", "flash_case_in_contact"},
                  {"close", "closed", "flash_case_closed"}};
  for (const auto& a : kActions) {
    std::string status = a.status;
    const char* flash = a.flash;
    router.add({.method = "POST", .pattern = std::string("/cases/{id}/") + a.path, .kinds = kinds,
                .handler = [ctx, status, flash](PageRequest& r) { return change(*ctx, r, status, flash); }});
  }
  router.add({.method = "POST", .pattern = "/cases/{id}/handler", .kinds = kinds,
              .handler = [ctx](PageRequest& r) { return name_handler(*ctx, r); }});
}

}  // namespace outreach::web
