#include "web/form.h"

#include <cctype>

#include "core/text_encoding.h"

namespace outreach::web {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `name` in a header's parameters ('form-data; name="x"; filename="a.csv"'); "" when
// absent. Quoted values may not contain quotes (browsers escape them as %22).
std::string header_param(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t semi = header.find(';', pos);
    std::string_view part = trim(header.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    pos = semi == std::string_view::npos ? header.size() : semi + 1;
    auto eq = part.find('=');
    if (eq == std::string_view::npos || lower(trim(part.substr(0, eq))) != name) continue;
    std::string_view value = trim(part.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return {};
}

core::Status parse_multipart(std::string_view content_type, std::string_view body, channels::FormFields& form,
                             std::vector<UploadedFile>& files) {
  const std::string boundary = header_param(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return core::Error::invalid("multipart body without a boundary", "body");
  const std::string delimiter = "--" + boundary;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return core::Error::invalid("multipart body without its boundary", "body");
  for (int part = 1;; ++part) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return {};  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") return core::Error::invalid("multipart part " + std::to_string(part) + " is malformed", "body");
    pos += 2;
    const std::size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) {
      return core::Error::invalid("multipart part " + std::to_string(part) + " has no end of headers", "body");
    }
    std::string name, file_name, type;
    bool is_file = false;
    for (std::size_t line = pos; line < head_end;) {
      std::size_t eol = body.find("\r\n", line);
      if (eol == std::string_view::npos || eol > head_end) eol = head_end;
      std::string_view h = body.substr(line, eol - line);
      auto colon = h.find(':');
      if (colon != std::string_view::npos) {
        const std::string key = lower(trim(h.substr(0, colon)));
        const std::string_view value = trim(h.substr(colon + 1));
        if (key == "content-disposition") {
          name = header_param(value, "name");
          is_file = value.find("filename=") != std::string_view::npos;
          file_name = header_param(value, "filename");
        } else if (key == "content-type") {
          type = std::string(value);
        }
      }
      line = eol + 2;
    }
    const std::size_t data_start = head_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) {
      return core::Error::invalid("multipart part " + std::to_string(part) + " has no closing boundary", "body");
    }
    std::string data(body.substr(data_start, next - data_start));
    if (is_file) {
      if (!core::is_valid_utf8(file_name)) return core::Error::invalid("file name is not UTF-8", name);
      files.push_back(UploadedFile{name, file_name, type, std::move(data)});
    } else {
      if (!core::is_valid_utf8(data)) return core::Error::invalid("not valid UTF-8", name);
      form.emplace_back(name, std::move(data));
    }
    pos = next + 2;
  }
}

}  // namespace

std::map<std::string, std::string> parse_cookies(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t semi = header.find(';', pos);
    std::string_view pair = trim(header.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    pos = semi == std::string_view::npos ? header.size() : semi + 1;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view value = pair.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    out.emplace(std::string(pair.substr(0, eq)), std::string(value));
  }
  return out;
}

core::Status parse_form(std::string_view content_type, std::string_view body, channels::FormFields& form,
                        std::vector<UploadedFile>& files) {
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type == "multipart/form-data") return parse_multipart(content_type, body, form, files);
  if (type == "application/x-www-form-urlencoded" || (type.empty() && body.empty())) {
    auto fields = channels::form_decode(body);
    if (!fields) return fields.error();
    for (auto& [k, v] : *fields) {
      if (!core::is_valid_utf8(v) || !core::is_valid_utf8(k)) return core::Error::invalid("not valid UTF-8", k);
      form.emplace_back(std::move(k), std::move(v));
    }
    return {};
  }
  return core::Error::invalid("expected a form (application/x-www-form-urlencoded or multipart/form-data)", "body");
}

std::string local_path(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 2000) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return "/";
  }
  return std::string(next);
}

}  // namespace outreach::web
