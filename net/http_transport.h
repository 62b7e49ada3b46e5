#pragma once
// HttpTransport: executes channels::TransportRequest (HTTP or SMTP) on a CurlMulti.
//
// At most `max_in_flight` requests run at once; excess requests wait in a FIFO and start as
// earlier ones finish. Easy handles are pooled (at most `max_in_flight`) and keep their options
// between requests of the same shape (method, URL, headers, credentials, timeout): such a request
// only swaps its body in; any other one starts from curl_easy_reset. Connections are cached by
// the CurlMulti, so keep-alive works across requests.
//
// At most once: libcurl never writes a request with a body twice. When a reused connection closes
// without an answer, libcurl would resend it on a fresh one; the transfer ends instead, with
// request_sent and "not resent" in transport_error.
// One transport per provider account is the intended use.
//
// Threading: use only on the io_context thread that runs the CurlMulti. `multi` must outlive the
// transport. Callbacks run on that thread, exactly once per execute(), unless the transport is
// destroyed first (then pending callbacks are dropped).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "channels/connector.h"
#include "core/clock.h"

namespace outreach::net {

class CurlMulti;

// Parses an HTTP Retry-After value: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2026 07:28:00 GMT", relative to `now`; a past date gives 0).
// Returns nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           core::TimePoint now);

class HttpTransport {
 public:
  using Done = std::function<void(channels::TransportResponse)>;

  HttpTransport(CurlMulti& multi, std::size_t max_in_flight = 64);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Runs the request (now, or when a slot frees up). `done` gets the response; a transport failure
  // is reported in the response (status 0, transport_error, timed_out), never thrown.
  void execute(channels::TransportRequest request, Done done);

  std::size_t in_flight() const { return running_; }
  std::size_t queued() const { return waiting_.size(); }
  // How many requests ever had to wait for a slot, and the most that ran at once.
  std::uint64_t total_queued() const { return total_queued_; }
  std::size_t max_in_flight_seen() const { return max_seen_; }
  std::size_t max_in_flight() const { return max_in_flight_; }

 private:
  struct Transfer;
  struct Pending {
    channels::TransportRequest request;
    Done done;
  };

  void start(channels::TransportRequest request, Done done);
  void finish(Transfer* t, int curl_code);
  Transfer* acquire();

  CurlMulti& multi_;
  std::size_t max_in_flight_;
  std::size_t running_ = 0;
  std::size_t max_seen_ = 0;
  std::uint64_t total_queued_ = 0;
  std::deque<Pending> waiting_;
  std::vector<std::unique_ptr<Transfer>> handles_;  // every easy handle, running or free
  std::vector<Transfer*> free_;                     // handles ready for the next request
  std::shared_ptr<bool> alive_;                     // guards callbacks after destruction
};

}  // namespace outreach::net
