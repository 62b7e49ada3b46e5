#pragma once
// The web pages' entry point for the composition root: every page group registered on one router.
// One file per audience registers its pages (web/page.h says how to add one).

#include <memory>

#include "web/page_router.h"

namespace outreach::web {

// Every page of the site on one router. `ctx` must outlive it.
std::unique_ptr<PageRouter> make_page_router(WebContext& ctx);

// Page groups, one file per audience.
void add_sign_in_pages(PageRouter& router);    // web/sign_in_pages.cpp: sign-in, links, sign-out, language
void add_home_pages(PageRouter& router);       // web/home_pages.cpp: "/" per role
void add_volunteer_pages(PageRouter& router);  // web/volunteer_pages.cpp
void add_clerk_pages(PageRouter& router);      // web/clerk_pages.cpp, web/case_page.cpp: cases
void add_coordinator_pages(PageRouter& router);         // web/coordinator_pages.cpp: campaigns, funnel, preview, redrive
void add_coordinator_import_pages(PageRouter& router);  // web/coordinator_import_pages.cpp: contacts upload, coverage
void add_approver_pages(PageRouter& router);            // web/approver_pages.cpp: reviews, approve, reject

// The volunteer's home ("my people"), which "/" shows to volunteers and intermediaries.
PageResponse volunteer_home(WebContext& ctx, PageRequest& r);

}  // namespace outreach::web
