#pragma once
// Rendering pages: Mustache templates built into the binary (web/templates/*.mustache, read by
// web/assets.h), wrapped in the layout, with the UI strings, the CSRF token and the form errors in
// every template's data. web-internal (includes kainjow/mustache).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kainjow/mustache.hpp>

#include "core/error.h"
#include "web/page.h"

namespace outreach::web {

using Data = kainjow::mustache::data;

// The form's errors: each names the input's id and the text shown for it.
class FormErrors {
 public:
  void add(std::string field_id, std::string message) { items_.emplace_back(std::move(field_id), std::move(message)); }
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// A template's text rendered with `data` ("volunteer_home" -> web/templates/volunteer_home.mustache).
// Throws core::ErrorException (internal) for an unknown or broken template: a programming error.
std::string render_template(std::string_view name, const Data& data);

// The page: the template rendered with `data` (plus t, csrf, lang, form_key and the errors as
// err_<id>), inside the layout with the title text(title_key). `status` 400 or 422 for a form with
// errors.
PageResponse render_page(const PageRequest& r, std::string_view template_name, std::string_view title_key, Data data,
                         const FormErrors& errors = {}, int status = 200);

// An error page for a status (403, 404, 405, 409, 500, 503) with the matching string.
PageResponse error_page(const PageRequest& r, int status, std::string_view message_key = {});
// The page for a service's refusal: forbidden -> 403, not_found -> 404, conflict -> 409,
// transient -> 503, internal -> 500 (message hidden). invalid_input -> 400 with e's text (callers
// that have a form re-render it with FormErrors instead).
PageResponse show_error(const PageRequest& r, const core::Error& e);

// UI text for the request's language (web/strings.h).
const std::string& text(const PageRequest& r, std::string_view key);

// A fresh idempotency key for a form (22 url-safe characters).
std::string new_form_key();

}  // namespace outreach::web
