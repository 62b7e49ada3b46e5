#pragma once
// Shared by the clerk's page files (web/clerk_pages.cpp: the list and the downloads;
// web/case_page.cpp: one case and its actions). web-internal.

#include <vector>

#include "storage/principal_store.h"
#include "web/page_router.h"

namespace outreach::web {

// Rows on one page of the case list.
inline constexpr int kCasesPerPage = 50;

// GET /cases/{id} and its forms (acknowledge, in contact, close, handler), for `kinds`.
void add_case_page(PageRouter& router, const std::vector<storage::PrincipalKind>& kinds);

}  // namespace outreach::web
