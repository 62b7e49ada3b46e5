#pragma once
// A municipality's response list as an Excel workbook (.xlsx, written with libxlsxwriter), the same
// in every client: the API (format=xlsx), `outreach responses export --format xlsx --output FILE`
// and the clerk's download on the pages.
//
// The sheet has the columns of services/response_export.h, in that order. Every cell is a text
// cell except the ids (id, contact_id, case_id: numbers), so "+31612345678" stays exactly that (no
// number conversion, no leading quote) and a text beginning with = + - @ is text, never a formula.
// The header row is bold and frozen, with an auto-filter over the columns. Characters XML cannot
// carry (C0 controls other than tab, newline and carriage return) become U+FFFD; a cell longer than
// Excel's 32,767 characters is cut at a character boundary.

#include <cstdint>
#include <string>

#include "core/error.h"
#include "services/actor.h"
#include "services/response_lists.h"
#include "storage/response_store.h"

namespace outreach::services {

inline constexpr const char* kXlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// Opens the list for `actor` as an export (ResponseLists::open, format "xlsx": scope check and
// audit record), then writes every row the policy lets through (paging from q.after_id; at most
// `max_rows` rows when > 0) and returns the workbook's bytes. q.limit is ignored. The workbook is
// built in a temporary file that is removed before returning.
core::Result<std::string> response_list_xlsx(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q,
                                             std::int64_t max_rows = 0);

}  // namespace outreach::services
