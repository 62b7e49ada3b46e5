#pragma once
// Test-only transport: executes one channels::TransportRequest with a libcurl easy handle and blocks
// until it completes. HTTP (any method, headers, body, basic auth) and SMTP (envelope from
// mail_from/mail_rcpt, the body uploaded as the RFC 5322 message, AUTH from username/password,
// STARTTLS required when starttls is set). Never throws: a failed transfer comes back with
// transport_error set (and timed_out for timeouts), status 0 unless the server answered.
// Safe from any thread (one easy handle per call); curl_global_init runs once on first use.

#include "channels/connector.h"

namespace outreach::test {

struct BlockingTransportOptions {
  bool verify_peer = true;  // TLS certificate checks; loopback tests with self-signed certs set false
  bool verbose = false;     // CURLOPT_VERBOSE to stderr
};

channels::TransportResponse execute_blocking(const channels::TransportRequest& request,
                                             const BlockingTransportOptions& options = {});

}  // namespace outreach::test
