#pragma once
// A municipality's response list as a whole file, the same in every client: CSV (the pages' download,
// `outreach responses export --format csv`; the API streams the same rows page by page) and an Excel
// workbook (.xlsx, written with libxlsxwriter: the API's format=xlsx, `outreach responses export
// --format xlsx --output FILE`, the pages' download).
//
// Both open the list for the actor as an export first (ResponseLists::open: the scope check and the
// audit record, with the format), then write every row the policy lets through.
//
// CSV: services/response_export.h's columns and kResponseCsv (UTF-8 with a BOM, commas; a cell
// beginning with = + - @ gets a leading quote, core/csv_writer.h).
//
// XLSX: the sheet has the columns of services/response_export.h, in that order. Every cell is a text
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

// The whole list (paging from q.after_id; at most `max_rows` rows when > 0; q.limit is ignored) as
// the file's bytes. The workbook is built in a temporary file that is removed before returning.
core::Result<std::string> response_list_csv(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q,
                                            std::int64_t max_rows = 0);
core::Result<std::string> response_list_xlsx(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q,
                                             std::int64_t max_rows = 0);

}  // namespace outreach::services
