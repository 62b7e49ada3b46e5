// Provider webhooks: no bearer token; the channel's connector verifies the signature before
// anything is parsed or recorded. Verifying and parsing run on the server's thread (the route's
// prepare step); only the recording goes to the writer, group-committed with other writes and
// answered 2xx once committed. Inbound messages and status callbacks go to the engine's
// InboundProcessor, which records a provider message id once (a redelivery answers 200 and is ignored).
// A body with bytes that are not UTF-8 is repaired (U+FFFD) after the signature check, so a JSON
// parser still reads it and the reply is recorded rather than lost.

#include <any>
#include <memory>
#include <optional>

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "channels/connector.h"
#include "core/text_encoding.h"
#include "core/json_text.h"
#include "engine/inbound.h"

namespace outreach::api {

namespace {

// On the server's thread, before anything touches the database: the connector, the signature and
// the parsing. Leaves the parsed events in call.prepared; answers a refusal or a handshake itself.
std::optional<Response> prepare_webhook(ApiContext& ctx, Call& call) {
  const std::string& channel = call.param("channel");
  auto it = ctx.webhooks.find(channel);
  if (it == ctx.webhooks.end() || !it->second) {
    return json_response(net::json_error_body("not_found", "no webhook for this channel"), 404);
  }
  const channels::Connector& connector = *it->second;
  channels::WebhookRequest webhook = to_webhook_request(ctx.public_base_url, call.request);
  if (auto st = connector.verify_signature(webhook); !st) {
    return json_response(net::json_error_body("forbidden", "signature refused"), 403);
  }
  webhook.body = core::repair_utf8(webhook.body);
  auto events = connector.parse_webhook(webhook);
  if (!events) return fail(events.error());

  if (events->reply_body) {  // verification handshake (WhatsApp / Messenger GET): touches nobody
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = *events->reply_body;
    return r;
  }
  call.prepared = std::make_shared<const channels::WebhookEvents>(std::move(*events));
  return std::nullopt;
}

// On the writer's thread: records what prepare_webhook parsed.
Response handle_webhook(ApiContext& ctx, Call& call) {
  const std::string& channel = call.param("channel");
  call.actor = "webhook:" + channel;
  const auto* parsed = std::any_cast<std::shared_ptr<const channels::WebhookEvents>>(&call.prepared);
  if (!parsed || !*parsed) {  // called without its prepare step (a caller of Router::serve alone)
    if (auto answer = prepare_webhook(ctx, call)) {
      call.nothing_to_audit = true;
      return *answer;
    }
    parsed = std::any_cast<std::shared_ptr<const channels::WebhookEvents>>(&call.prepared);
  }
  const channels::WebhookEvents* events = parsed->get();
  if (!ctx.inbound) {
    return json_response(net::json_error_body("transient", "inbound processing not available"), 503);
  }
  int recorded = 0, duplicates = 0, statuses = 0, unknown_statuses = 0;
  for (const auto& message : events->inbound) {
    auto result = ctx.inbound->handle(channel, message);
    if (!result) return fail(result.error());
    if (result->duplicate) {
      ++duplicates;
      continue;
    }
    ++recorded;
    call.audit_subjects.push_back("response:" + std::to_string(result->response_id));
  }
  for (const auto& update : events->statuses) {
    auto known = ctx.inbound->handle_status(channel, update);
    if (!known) return fail(known.error());
    ++(*known ? statuses : unknown_statuses);
  }
  if (call.audit_subjects.empty()) call.audit_subjects.push_back("webhook:" + channel);
  call.audit_detail = "recorded=" + std::to_string(recorded) + " duplicates=" + std::to_string(duplicates) +
                      " statuses=" + std::to_string(statuses);
  json body = {{"recorded", recorded}, {"duplicates", duplicates}, {"statuses", statuses},
               {"unknown_statuses", unknown_statuses}};
  return json_response(core::json_text(body));
}

}  // namespace

void add_webhook_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // What a webhook records and its audit record commit together, or neither does (the provider
  // gets a 5xx and delivers again). Some providers (CM, MessageBird) deliver replies and reports
  // with GET: those are recorded and audited exactly like a POST; a verification handshake
  // touches nobody and leaves no record.
  for (const char* method : {"POST", "GET"}) {
    router.add({.method = method, .pattern = "/v1/webhooks/{channel}", .is_public = true,
                .audit_action = "responses.record", .purpose = "outreach", .subject = "webhook:{channel}",
                .transactional = true, .handler = [ctx](Call& call) { return handle_webhook(*ctx, call); },
                .prepare = [ctx](Call& call) { return prepare_webhook(*ctx, call); }});
  }
}

}  // namespace outreach::api
