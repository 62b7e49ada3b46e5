// Municipality, regional hub and national fallback: the residents who asked for help and consented
// to sharing (JSON with cursor paging, CSV, or XLSX). Their cases: api/case_routes.cpp.

#include <memory>

#include "api/auth.h"
#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/csv_writer.h"
#include "services/response_export.h"
#include "core/json_writer.h"
#include "services/response_lists.h"
#include "services/response_files.h"
#include "storage/municipality_store.h"
#include "storage/response_store.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

constexpr int kCsvPage = 500;

enum class Format { json, csv, xlsx };

// format=json|csv|xlsx wins over the Accept header.
Format requested_format(const Request& request, std::string& format_error) {
  auto it = request.query.find("format");
  if (it != request.query.end()) {
    if (it->second == "csv") return Format::csv;
    if (it->second == "xlsx") return Format::xlsx;
    if (it->second != "json") format_error = "expected 'json', 'csv' or 'xlsx'";
    return Format::json;
  }
  const std::string* accept = request.header("Accept");
  if (accept && accept->find(services::kXlsxContentType) != std::string::npos) return Format::xlsx;
  if (accept && accept->find("text/csv") != std::string::npos) return Format::csv;
  return Format::json;
}

Response list_responses(ApiContext& ctx, Call& call) {
  const std::string& code = call.param("code");
  std::string format_error;
  const Format format = requested_format(call.request, format_error);
  if (!format_error.empty()) return invalid_field("format", format_error);
  const bool csv = format == Format::csv;
  auto since = time_param(call.request, "since", false);
  if (!since) return fail(since.error());
  auto until = time_param(call.request, "until", true);
  if (!until) return fail(until.error());
  auto after = int_param(call.request, "after", 0, 0, INT64_MAX);
  if (!after) return fail(after.error());
  auto limit = int_param(call.request, "limit", format == Format::json ? 100 : 0, 1, ctx.max_page);
  if (!limit) return fail(limit.error());

  storage::ResponseQuery q;
  q.municipality = code;
  q.since = *since;
  q.until = *until;
  q.after_id = *after;

  // On a reader lane call.db is a read-only connection and the list's audit record waits in
  // call.pending_audit for the writer (api/router.h); the rules are the service's either way.
  auto lists = std::make_shared<services::ResponseLists>(*call.db, *ctx.clock, *ctx.config, call.pending_audit);
  const services::Actor actor = actor_of(call);
  if (format == Format::xlsx) {  // a zip is written whole: built in the service, then sent
    auto bytes = services::response_list_xlsx(*lists, actor, q, *limit);
    if (!bytes) return fail(bytes.error());
    Response r;
    r.content_type = services::kXlsxContentType;
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"responses-" + code + ".xlsx\"");
    r.body = std::move(*bytes);
    return r;
  }
  if (auto st = lists->open(actor, code, csv ? "csv" : "json", csv); !st) return fail(st.error());

  if (!csv) {
    q.limit = static_cast<int>(*limit);
    auto page = lists->page(actor, q);
    if (!page) return fail(page.error());
    // Written directly rather than built as an nlohmann object: same bytes, a quarter of the page's
    // cost (services/response_export.h). Members in name order, as the sorted object had them.
    core::JsonWriter body;
    body.reserve(256 * page->rows.size() + 128);  // a row is about 230 bytes
    body.begin_object().key("items").begin_array();
    for (const auto& s : page->rows) services::write_response_json(body, s);
    body.end_array().key("municipality").value(code).key("next_after");
    if (page->more) body.value(page->next_after); else body.null();
    body.end_object();
    return json_response(body.take());
  }

  // CSV: streamed page by page along the id cursor, so a large list never sits in memory.
  struct CsvState {
    storage::ResponseQuery q;
    std::int64_t remaining = 0;  // 0: no limit
    int stage = 0;               // 0: header, 1: rows, 2: done
  };
  auto state = std::make_shared<CsvState>();
  state->q = q;
  state->remaining = *limit;
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"responses-" + code + ".csv\"");
  r.stream = [state, lists, actor, csv = core::CsvWriter(services::kResponseCsv)]() -> std::optional<std::string> {
    if (state->stage == 0) {
      state->stage = 1;
      return csv.start() + csv.row(services::response_columns());
    }
    if (state->stage == 2) return std::nullopt;
    int page = kCsvPage;
    if (state->remaining > 0 && state->remaining < page) page = static_cast<int>(state->remaining);
    state->q.limit = page;
    std::string chunk;
    auto got = lists->page(actor, state->q);
    if (!got) {
      state->stage = 2;
      return std::nullopt;
    }
    for (const auto& s : got->rows) chunk += csv.row(services::response_fields(s));
    state->q.after_id = got->next_after;
    const int rows = static_cast<int>(got->rows.size());
    if (state->remaining > 0) {
      state->remaining -= rows;
      if (state->remaining <= 0) state->stage = 2;
    }
    if (!got->more) state->stage = 2;
    if (chunk.empty()) return state->stage == 2 ? std::nullopt : std::optional<std::string>(std::string());
    return chunk;
  };
  return r;
}

}  // namespace

void add_municipality_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // services::ResponseLists checks the scope and audits every read and change.
  router.add({.method = "GET", .pattern = "/v1/municipalities/{code}/responses", .kinds = municipal_kinds(),
              .handler = [ctx](Call& call) { return list_responses(*ctx, call); }, .lane = Lane::reader});
}

}  // namespace outreach::api
