// Signing in and out (the rules are services/sign_in.h's; this file renders and sets cookies):
//   GET  /sign-in                 the form (name, password, code); signed in already -> /
//   POST /sign-in                 -> the session cookie and 303 to ?next (a local path) or /
//   GET  /sign-in/link/{token}    a page with one button: mail scanners prefetch links, so GET
//                                 changes nothing
//   POST /sign-in/link/{token}    uses the link once -> session
//   POST /sign-out                ends the session
//   GET  /lang/{code}?next=       the UI language cookie (nl, en)

#include "services/sign_in.h"
#include "web/form.h"
#include "web/render.h"
#include "web/strings.h"
#include "web/web.h"

namespace outreach::web {

namespace {

services::SignIn sign_in_for(WebContext& ctx, PageRequest& r) {
  return services::SignIn(*r.db, *ctx.clock, ctx.totp_key, ctx.sign_in_rules);
}

PageResponse form_page(PageRequest& r, const std::string& name, const std::string& next, const FormErrors& errors,
                       int status) {
  Data data{Data::type::object};
  data.set("name", name);
  data.set("next", next);
  return render_page(r, "sign_in", "sign_in_title", std::move(data), errors, status);
}

PageResponse signed_in(PageRequest& r, const services::SignedIn& s, const std::string& next) {
  PageResponse out = PageResponse::see_other(local_path(next), "flash_signed_in");
  out.set_cookies[kSessionCookie] = s.session_token;
  out.set_cookies[kPreSessionCookie] = "";
  (void)r;
  return out;
}

PageResponse sign_in_form(PageRequest& r) {
  if (r.actor) return PageResponse::see_other("/");
  const std::string* next = r.query_value("next");
  return form_page(r, {}, next ? local_path(*next) : "/", {}, 200);
}

services::PasswordAttempt attempt_of(const PageRequest& r) {
  return {.name = r.field("name"),
          .password = r.field("password"),
          .code = r.field("code"),
          .client_address = r.client_address,
          .request_id = r.request_id};
}

// On a reader thread (PageRoute::prepare): the Argon2id check, which takes a good part of a second.
std::any check_password(WebContext& ctx, const PageRequest& r, storage::Database& reader) {
  auto check = services::SignIn(reader, *ctx.clock, ctx.totp_key, ctx.sign_in_rules).check_password(attempt_of(r));
  if (!check || !*check) return {};  // throttled or unreadable: with_password decides and says why
  return **check;
}

PageResponse sign_in_post(WebContext& ctx, PageRequest& r) {
  const std::string next = local_path(r.field("next"));
  const services::PasswordAttempt attempt = attempt_of(r);
  std::optional<services::PasswordCheck> checked;
  if (const auto* c = std::any_cast<services::PasswordCheck>(&r.prepared)) checked = *c;
  auto s = sign_in_for(ctx, r).with_password(attempt, checked);
  if (s) return signed_in(r, *s, next);
  FormErrors errors;
  if (s.error().where == "throttled") {
    errors.add("name", text(r, "sign_in_throttled"));
    return form_page(r, attempt.name, next, errors, 429);
  }
  if (s.error().code != core::ErrorCode::unauthorized) return show_error(r, s.error());
  errors.add("name", text(r, "sign_in_wrong"));
  return form_page(r, attempt.name, next, errors, 401);
}

PageResponse link_page(PageRequest& r, bool bad, int status) {
  Data data{Data::type::object};
  data.set("bad", bad);
  return render_page(r, "sign_in_link", "sign_in_link_title", std::move(data), {}, status);
}

PageResponse link_post(WebContext& ctx, PageRequest& r) {
  auto s = sign_in_for(ctx, r).with_link(r.param("token"), r.client_address, r.request_id);
  if (s) return signed_in(r, *s, "/");
  if (s.error().code == core::ErrorCode::unauthorized || s.error().where == "throttled") return link_page(r, true, 401);
  return show_error(r, s.error());
}

PageResponse sign_out(WebContext& ctx, PageRequest& r) {
  if (auto st = sign_in_for(ctx, r).sign_out(r.session_token, r.request_id); !st) return show_error(r, st.error());
  PageResponse out = PageResponse::see_other("/sign-in", "flash_signed_out");
  out.set_cookies[kSessionCookie] = "";
  return out;
}

PageResponse switch_language(PageRequest& r) {
  const std::string& code = r.param("code");
  const std::string* next = r.query_value("next");
  PageResponse out = PageResponse::see_other(next ? local_path(*next) : "/");
  for (const auto& lang : ui_languages()) {
    if (lang == code) out.set_cookies[kLangCookie] = lang;
  }
  return out;
}

}  // namespace

void add_sign_in_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/sign-in", .is_public = true, .handler = sign_in_form});
  router.add({.method = "POST", .pattern = "/sign-in", .is_public = true,
              .handler = [ctx](PageRequest& r) { return sign_in_post(*ctx, r); },
              .prepare = [ctx](const PageRequest& r, storage::Database& reader) { return check_password(*ctx, r, reader); }});
  router.add({.method = "GET", .pattern = "/sign-in/link/{token}", .is_public = true,
              .handler = [](PageRequest& r) { return link_page(r, false, 200); }});
  router.add({.method = "POST", .pattern = "/sign-in/link/{token}", .is_public = true,
              .handler = [ctx](PageRequest& r) { return link_post(*ctx, r); }});
  router.add({.method = "POST", .pattern = "/sign-out", .handler = [ctx](PageRequest& r) { return sign_out(*ctx, r); }});
  router.add({.method = "GET", .pattern = "/lang/{code}", .is_public = true, .handler = switch_language});
}

}  // namespace outreach::web
