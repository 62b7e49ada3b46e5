#include "web/page.h"

namespace outreach::web {

const std::string& PageRequest::field(const std::string& name) const {
  static const std::string kEmpty;
  const std::string* v = channels::find_field(form, name);
  return v ? *v : kEmpty;
}

std::vector<std::string> PageRequest::fields(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : form) {
    if (k == name) out.push_back(v);
  }
  return out;
}

const std::string* PageRequest::query_value(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

PageResponse PageResponse::see_other(std::string path, std::string flash_key) {
  PageResponse r;
  r.status = 303;
  r.redirect = std::move(path);
  r.flash = std::move(flash_key);
  return r;
}

PageResponse PageResponse::file(std::string content_type, std::string file_name, std::string body) {
  PageResponse r;
  r.download = Download{std::move(content_type), std::move(file_name), std::move(body)};
  return r;
}

}  // namespace outreach::web
