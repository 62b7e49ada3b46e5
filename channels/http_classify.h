#pragma once
// The answer classification every connector shares, written once. At most once decides it: a
// request that may have reached the provider is never called `transient` unless an answer says it
// was not accepted.
//
//   no answer, the request never left (DNS, refused, TLS handshake, connect timeout)  transient
//   no answer after the whole request was written (timeout, reset, empty reply)        ambiguous
//   an answer broken off by a transfer error (reset in the middle of the body)          ambiguous
//   2xx the connector cannot read (garbage body, no message id)                         ambiguous
//   408, 425, 429; 503 with Retry-After; a 5xx the provider documents as not accepted   transient
//   other 5xx (500, 502, 504, 503 without Retry-After, ...)                             ambiguous
//   other 4xx                                                                           permanent
// A connector first maps the provider codes it knows (opt-outs, documented "try later" errors) and
// leaves the rest to verdict_for_status.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "channels/connector.h"

namespace outreach::channels {

// Retry-After as delta-seconds ("120"); nullopt when absent or an HTTP-date (which still counts as
// present for has_retry_after).
std::optional<std::chrono::milliseconds> retry_after_seconds(const Headers& headers);
bool has_retry_after(const Headers& headers);

// The outcome when the transfer itself failed (no answer, or an answer broken off); nullopt when a
// whole answer arrived and the connector should read it. `who` starts the reason ("twilio").
std::optional<SendOutcome> classify_transport(const TransportResponse& r, std::string_view who);

// The verdict for a non-2xx answer whose provider code the connector did not map itself.
// `documented_not_accepted`: the provider documents this answer as "not accepted, try later".
SendVerdict verdict_for_status(const TransportResponse& r, bool documented_not_accepted = false);

// A 2xx answer without the id the connector needs: accepted or not, we cannot tell.
SendOutcome unreadable_acceptance(const TransportResponse& r, std::string_view who, std::string_view missing);

// A complete outcome for a non-2xx answer: verdict_for_status, `reason`, and Retry-After when the
// verdict is transient.
SendOutcome classify_failure(const TransportResponse& r, std::string reason, bool documented_not_accepted = false);

}  // namespace outreach::channels
