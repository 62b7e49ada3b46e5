#include "channels/http_classify.h"

#include <charconv>

#include "core/text.h"

namespace outreach::channels {

namespace {
using core::trim;

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_seconds(const Headers& headers) {
  const std::string* v = find_header(headers, "Retry-After");
  if (!v) return std::nullopt;
  std::string_view text = trim(*v);
  long long seconds = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || p != text.data() + text.size() || seconds < 0 || seconds > 86400L * 365) return std::nullopt;
  return std::chrono::seconds(seconds);
}

bool has_retry_after(const Headers& headers) {
  const std::string* v = find_header(headers, "Retry-After");
  return v && !trim(*v).empty();
}

std::optional<SendOutcome> classify_transport(const TransportResponse& r, std::string_view who) {
  const std::string name(who);
  const std::string error = r.transport_error.empty() ? (r.timed_out ? "timed out" : "no answer") : r.transport_error;
  if (r.status == 0) {
    SendOutcome out;
    if (r.request_sent) {
      out.verdict = SendVerdict::ambiguous;
      out.reason = name + ": no answer after the request was sent: " + error;
    } else {
      out.verdict = SendVerdict::transient;
      out.reason = name + ": not sent: " + error;
    }
    return out;
  }
  if (!r.transport_error.empty() || r.timed_out) {
    SendOutcome out;
    out.verdict = SendVerdict::ambiguous;
    out.reason = name + ": answer " + std::to_string(r.status) + " broken off: " + error;
    return out;
  }
  return std::nullopt;
}

SendVerdict verdict_for_status(const TransportResponse& r, bool documented_not_accepted) {
  const int s = r.status;
  if (s == 408 || s == 425 || s == 429) return SendVerdict::transient;
  if (s >= 500 && s < 600) {
    if (documented_not_accepted || (s == 503 && has_retry_after(r.headers))) return SendVerdict::transient;
    return SendVerdict::ambiguous;
  }
  if (s >= 200 && s < 300) return SendVerdict::ambiguous;  // an acceptance the caller could not read
  return documented_not_accepted ? SendVerdict::transient : SendVerdict::permanent;
}

SendOutcome unreadable_acceptance(const TransportResponse& r, std::string_view who, std::string_view missing) {
  SendOutcome out;
  out.verdict = SendVerdict::ambiguous;
  out.reason = std::string(who) + ": " + std::to_string(r.status) + " without " + std::string(missing);
  return out;
}

SendOutcome classify_failure(const TransportResponse& r, std::string reason, bool documented_not_accepted) {
  SendOutcome out;
  out.verdict = verdict_for_status(r, documented_not_accepted);
  out.reason = std::move(reason);
  if (out.verdict == SendVerdict::transient) out.retry_after = retry_after_seconds(r.headers);
  return out;
}

}  // namespace outreach::channels
