#pragma once
// Files built into the binary at configure time (web/CMakeLists.txt): web/templates/*.mustache as
// "templates/<name>.mustache" and web/static/* as "static/<name>". Nothing is read from disk at
// run time, so one binary serves everything.

#include <optional>
#include <string_view>

namespace outreach::web {

// The file's contents, or nullopt when no such file was built in.
std::optional<std::string_view> asset(std::string_view name);

}  // namespace outreach::web
