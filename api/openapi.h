#pragma once
// The OpenAPI 3 description of every route, kept as api/openapi.json and embedded at build time
// (api/CMakeLists.txt turns it into a string constant).

#include <string_view>

namespace outreach::api {

std::string_view openapi_document();

}  // namespace outreach::api
