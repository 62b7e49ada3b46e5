#pragma once
// Parsing what a browser sends: cookies, urlencoded and multipart/form-data bodies. Pure
// functions; errors name what was wrong ("form body: ...") and are answered 400.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "web/page.h"

namespace outreach::web {

// "a=1; b=2" -> {a:1, b:2}; the first of a repeated name wins; malformed pairs are skipped.
std::map<std::string, std::string> parse_cookies(std::string_view header);

// The body by its Content-Type: application/x-www-form-urlencoded into `form`;
// multipart/form-data into `form` (text parts) and `files` (parts with a filename). Any other
// type with a body is invalid_input. Text must be UTF-8 (invalid_input naming the field).
core::Status parse_form(std::string_view content_type, std::string_view body, channels::FormFields& form,
                        std::vector<UploadedFile>& files);

// "/people/3?x=1" stays; anything that could leave the site ("//evil", "https://...", "\\") -> "/".
std::string local_path(std::string_view next);

}  // namespace outreach::web
