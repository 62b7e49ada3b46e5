// One-click unsubscribe (RFC 8058), public: the token in the path is the only authority.
//   POST /u/{token}       withdraws e-mail consent at once (body "List-Unsubscribe=One-Click",
//                         form-encoded, or empty); 200 with a short text, or a page for a browser
//   GET  /u/{token}       a page in the person's language (nl, en; others nl) with a button that
//                         POSTs; it changes nothing itself, since mail scanners prefetch links
//   POST /u/{token}/undo  grants again what the one-click withdrawal took
//   (the ask page also offers POST /u/{token}/error: "not meant for me", api/error_report_routes.cpp)
// A bad token, an unknown message or an erased person: 404 exactly like an unknown path. The use
// case, its transaction and its audit record are in services/unsubscribe.h.

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "services/unsubscribe.h"

namespace outreach::api {

namespace {

enum class Page { ask, unsubscribed, resubscribed };

struct Texts {
  const char* lang;
  const char* title;
  const char* ask;
  const char* ask_button;
  const char* done;
  const char* undo_button;
  const char* again;
  const char* again_button;
};

const Texts& texts(const std::string& language) {
  static const Texts kNl{"nl",
                         "Afmelden voor e-mail",
                         "Wilt u geen e-mails meer van ons krijgen? Klik op de knop. Meer hoeft u niet te doen.",
                         "Afmelden",
                         "U bent afgemeld. U krijgt geen e-mails meer van ons hierover.",
                         "Toch weer e-mails krijgen",
                         "U krijgt weer e-mails van ons.",
                         "Toch afmelden"};
  static const Texts kEn{"en",
                         "Unsubscribe from e-mail",
                         "Do you want no more e-mails from us? Click the button. You need to do nothing else.",
                         "Unsubscribe",
                         "You are unsubscribed. You will get no more e-mails from us about this.",
                         "Keep getting e-mails after all",
                         "You will get e-mails from us again.",
                         "Unsubscribe after all"};
  return language == "en" ? kEn : kNl;
}

// `unsubscribe_action` and `undo_action` are relative to the page's own URL, so the page works
// behind any path prefix of public_base_url. Tokens are base64url: nothing to escape.
Response page(Page which, const services::UnsubscribeState& s, const std::string& unsubscribe_action,
              const std::string& undo_action) {
  const Texts& t = texts(s.language);
  auto form = [](const std::string& action, const char* button) {
    return std::string("<form method=\"post\" action=\"") + action +
           "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><button type=\"submit\">" + button +
           "</button></form>";
  };
  std::string body;
  switch (which) {
    case Page::ask:
      body = std::string("<p>") + t.ask + "</p>" + form(unsubscribe_action, t.ask_button);
      // Not meant for this person at all: an error report (api/error_report_routes.cpp).
      body += "<form method=\"post\" action=\"" + unsubscribe_action + "/error\"><input type=\"hidden\" name=\"kind\" "
              "value=\"wrong_person\"><button type=\"submit\">" +
              (s.language == "en" ? "Not meant for you? Report an error" : "Niet voor u bedoeld? Meld een fout") +
              "</button></form>";
      break;
    case Page::unsubscribed:
      body = std::string("<p>") + t.done + "</p>" + (s.can_undo ? form(undo_action, t.undo_button) : std::string());
      break;
    case Page::resubscribed: body = std::string("<p>") + t.again + "</p>" + form(unsubscribe_action, t.again_button); break;
  }
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string("<!doctype html><html lang=\"") + t.lang +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" + t.title + "</title><style>body{font:1.1rem/1.5 sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
           "button{font:inherit;padding:.6rem 1.2rem}</style></head><body><h1>" + t.title + "</h1>" + body +
           "</body></html>\n";
  // The token is in the URL: never send it on, never frame the page.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  return r;
}

Response text(const std::string& message) {
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = message + "\n";
  return r;
}

// A browser submitting our page's form asks for HTML; a mail client's one-click POST does not.
bool wants_html(const Request& request) {
  const std::string* accept = request.header("Accept");
  return accept && accept->find("text/html") != std::string::npos;
}

Response not_found() { return json_response(net::json_error_body("not_found", "no such route"), 404); }

Response unavailable() {
  return json_response(net::json_error_body("transient", "unsubscribe not available"), 503);
}

}  // namespace

void add_unsubscribe_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // No audit_action here: the service writes its own record in the consent change's transaction.
  router.add({.method = "GET", .pattern = "/u/{token}", .is_public = true, .handler = [ctx](Call& call) {
                if (!ctx->unsubscribe) return unavailable();
                auto s = ctx->unsubscribe->look_up(call.param("token"));
                if (!s) return not_found();
                const std::string& token = call.param("token");
                return page(s->unsubscribed ? Page::unsubscribed : Page::ask, *s, token, token + "/undo");
              }});
  router.add({.method = "POST", .pattern = "/u/{token}", .is_public = true, .handler = [ctx](Call& call) {
                if (!ctx->unsubscribe) return unavailable();
                const std::string& token = call.param("token");
                call.actor = "unsubscribe";
                auto out = ctx->unsubscribe->withdraw(token, call.request_id);
                if (!out) return out.error().code == core::ErrorCode::not_found ? not_found() : fail(out.error());
                if (wants_html(call.request)) return page(Page::unsubscribed, out->state, token, token + "/undo");
                return text(out->changed ? "unsubscribed" : "already unsubscribed");
              }});
  router.add({.method = "POST", .pattern = "/u/{token}/undo", .is_public = true, .handler = [ctx](Call& call) {
                if (!ctx->unsubscribe) return unavailable();
                const std::string& token = call.param("token");
                call.actor = "unsubscribe";
                auto out = ctx->unsubscribe->undo(token, call.request_id);
                if (!out) return out.error().code == core::ErrorCode::not_found ? not_found() : fail(out.error());
                // From /u/{token}/undo, "../{token}" is the unsubscribe URL again.
                if (wants_html(call.request))
                  return page(out->state.unsubscribed ? Page::unsubscribed : Page::resubscribed, out->state,
                              "../" + token, "undo");
                return text(out->changed ? "subscribed again" : "nothing to undo");
              }});
}

}  // namespace outreach::api
