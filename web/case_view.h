#pragma once
// How the clerk's pages show a case (web/clerk_pages.cpp, web/case_page.cpp): times in the
// Netherlands' local time, states, owners and outcomes in the UI language, one case row as template
// data. Presentation only: which cases and what may be done is services/case_desk.h's business.
// web-internal (includes kainjow/mustache through web/render.h).

#include <optional>
#include <string>

#include "core/clock.h"
#include "services/case_desk.h"
#include "web/render.h"

namespace outreach::web {

// "2026-11-26 10:05" in Europe/Amsterdam.
std::string local_time(core::TimePoint t);
// <time datetime="2026-11-26T09:05:00.000Z">2026-11-26 10:05</time> parts: "iso" and "local".
Data time_data(core::TimePoint t);
// "Nieuw", "Opgepakt", ...; the status itself when unknown.
std::string state_label(const PageRequest& r, const std::string& status);
// "Gemeente", "Regio", "Landelijk vangnet", with "(doorgestuurd)" for a routed case.
std::string owner_label(const PageRequest& r, const storage::Case& c);
// A case list row: id, name, phone, email, language, since, due, overdue, state, owner, handler.
Data case_row_data(const PageRequest& r, const storage::CaseRow& row, bool overdue);

}  // namespace outreach::web
