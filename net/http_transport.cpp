#include "net/http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>

#include "core/text.h"
#include "net/curl_multi.h"

namespace outreach::net {
namespace {

using core::trim;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether the whole request had left when the transfer ended (channels::TransportResponse::
// request_sent). Failures of name resolution, connect and TLS handshake are before it by
// definition; for the rest, curl's byte counts say: an HTTP request is out once its header bytes
// and its whole body were written; an SMTP message once libcurl has read all of it for DATA.
bool request_written(CURL* easy, const channels::TransportRequest& r, std::size_t smtp_offset, CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_FAILED_INIT:
    case CURLE_LOGIN_DENIED:
      return false;
    default:
      break;
  }
  if (code == CURLE_SEND_FAIL_REWIND) return true;  // sent in full, then the connection died
  if (r.kind == channels::TransportRequest::Kind::smtp) return !r.body.empty() && smtp_offset >= r.body.size();
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status > 0) return true;
  // A connect timeout: the connection was never set up (pretransfer time stays 0).
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  if (pretransfer == 0) return false;
  long header_bytes = 0;
  curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &header_bytes);
  curl_off_t body_bytes = 0;
  curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &body_bytes);
  const bool has_body = !iequals(r.method, "GET") && !iequals(r.method, "HEAD");
  return header_bytes > 0 && (!has_body || body_bytes >= static_cast<curl_off_t>(r.body.size()));
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           core::TimePoint now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || p != value.data() + value.size()) return std::nullopt;
    return std::chrono::milliseconds(seconds * 1000);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  const auto when = core::TimePoint(std::chrono::seconds(timegm(&tm)));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

// One pooled easy handle and the request it carries. Owns everything libcurl points into (the
// body, header and recipient lists, the error buffer, itself as callback data) until the transfer
// completes, and keeps its options between requests: a request of the same shape (`Shape`: method,
// URL, headers, credentials, timeout) only swaps the body in; any other request, and every SMTP
// one, starts from curl_easy_reset. Nothing of one request's options can reach the next, since
// everything a request sets is part of its shape except the body, which every request sets.
struct HttpTransport::Transfer {
  // What a request configured on the handle, beside its body.
  struct Shape {
    std::string method;
    std::string url;
    channels::Headers headers;
    std::string username;
    std::string password;
    std::chrono::milliseconds timeout{0};
  };

  CURL* easy = nullptr;
  bool active = false;
  std::optional<Shape> shape;  // nullopt: not configured for HTTP reuse (fresh, reset or SMTP)
  channels::TransportRequest request;
  channels::TransportResponse response;
  Done done;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  std::size_t upload_offset = 0;
  int prereq_calls = 0;
  bool resend_refused = false;  // libcurl wanted to send the request again; refused (at most once)
  char error[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
  }

  static bool same_shape(const Shape& s, const channels::TransportRequest& r) {
    return r.kind == channels::TransportRequest::Kind::http && s.timeout == r.timeout && s.method == r.method &&
           s.url == r.url && s.username == r.username && s.password == r.password && s.headers == r.headers;
  }

  static bool has_body(const channels::TransportRequest& r) {
    return !iequals(r.method, "GET") && !iequals(r.method, "HEAD");
  }

  static size_t on_body(char* data, size_t size, size_t n, void* userp) {
    static_cast<Transfer*>(userp)->response.body.append(data, size * n);
    return size * n;
  }

  static size_t on_header(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.headers.clear();  // a new response (after 100-continue or a redirect)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      t->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
    }
    return size * n;
  }

  // The SMTP upload (the RFC 5322 message), handed to libcurl in chunks.
  static size_t on_read(char* buffer, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const std::string& body = t->request.body;
    const size_t count = std::min(size * n, body.size() - t->upload_offset);
    std::memcpy(buffer, body.data() + t->upload_offset, count);
    t->upload_offset += count;
    return count;
  }

  // Runs before libcurl writes the request, once per connection it writes it on. A second call
  // means libcurl means to send it again on a fresh connection, because the connection it reused
  // died without an answer ("Connection died, retrying a fresh connect"): the provider may have
  // the first one, so the transfer ends here instead (at most once). Only when not one byte of the
  // request had been written (CURLINFO_REQUEST_SIZE counts every attempt's bytes) is the retry
  // the request's first send, and allowed.
  static int on_prereq(void* userp, char*, char*, int, int) {
    auto* t = static_cast<Transfer*>(userp);
    if (t->prereq_calls++ == 0) return CURL_PREREQFUNC_OK;
    long written = 0;
    curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &written);  // a read of the handle's counters
    if (written == 0) return CURL_PREREQFUNC_OK;
    t->resend_refused = true;
    return CURL_PREREQFUNC_ABORT;
  }

  // Readies the handle for `request` (already moved in).
  void configure() {
    error[0] = '\0';
    upload_offset = 0;
    prereq_calls = 0;
    resend_refused = false;
    response = {};
    if (shape && same_shape(*shape, request)) {
      set_body();
      return;
    }
    if (shape || headers || recipients) {
      curl_easy_reset(easy);
      curl_slist_free_all(headers);
      curl_slist_free_all(recipients);
      headers = recipients = nullptr;
    }
    shape.reset();
    const auto& r = request;
    curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<long long>(r.timeout.count(), 10000)));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!r.username.empty() || !r.password.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, r.username.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, r.password.c_str());
    }
    if (r.kind == channels::TransportRequest::Kind::smtp) {
      configure_smtp();  // per message envelope: never reused as is
    } else {
      configure_http();
      shape = Shape{r.method, r.url, r.headers, r.username, r.password, r.timeout};
    }
  }

  void configure_http() {
    const auto& r = request;
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!r.username.empty() || !r.password.empty())
      curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    bool has_expect = false;
    for (const auto& [name, value] : r.headers) {
      if (iequals(name, "Expect")) has_expect = true;
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      headers = curl_slist_append(headers, line.c_str());
    }
    // No "Expect: 100-continue" round trip for bodies over 1 KiB: providers answer directly.
    if (!has_expect) headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

    if (iequals(r.method, "GET")) {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (iequals(r.method, "HEAD")) {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
      if (!iequals(r.method, "POST")) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
      // libcurl resends a request by itself when the connection it reused closes without an
      // answer ("Connection died, retrying a fresh connect"). At most once: on_prereq stops that
      // resend, and the transfer fails as "not resent".
      curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &Transfer::on_prereq);
      curl_easy_setopt(easy, CURLOPT_PREREQDATA, this);
      set_body();
    }
  }

  // The body as POSTFIELDS (not copied; `request` keeps it alive), so that libcurl writes request
  // line, headers and body with one send() instead of the headers first and the body after.
  void set_body() {
    if (!has_body(request)) return;
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  }

  void configure_smtp() {
    const auto& r = request;
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, r.mail_from.c_str());
    for (const auto& rcpt : r.mail_rcpt) recipients = curl_slist_append(recipients, rcpt.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Transfer::on_read);
    curl_easy_setopt(easy, CURLOPT_READDATA, this);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    if (r.starttls) curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
};

HttpTransport::HttpTransport(CurlMulti& multi, std::size_t max_in_flight)
    : multi_(multi),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      alive_(std::make_shared<bool>(true)) {}

HttpTransport::~HttpTransport() {
  *alive_ = false;
  for (auto& t : handles_) {
    if (t->active) multi_.cancel(t->easy);
  }
  handles_.clear();  // curl_easy_cleanup each
}

void HttpTransport::execute(channels::TransportRequest request, Done done) {
  if (running_ >= max_in_flight_ || !waiting_.empty()) {
    ++total_queued_;
    waiting_.push_back({std::move(request), std::move(done)});
    return;
  }
  start(std::move(request), std::move(done));
}

// At most max_in_flight_ handles ever exist: one per running transfer.
HttpTransport::Transfer* HttpTransport::acquire() {
  if (!free_.empty()) {
    Transfer* t = free_.back();
    free_.pop_back();
    return t;
  }
  CURL* easy = curl_easy_init();
  if (!easy) return nullptr;
  auto t = std::make_unique<Transfer>();
  t->easy = easy;
  handles_.push_back(std::move(t));
  return handles_.back().get();
}

void HttpTransport::start(channels::TransportRequest request, Done done) {
  Transfer* t = acquire();
  if (!t) {
    channels::TransportResponse failed;
    failed.transport_error = "curl_easy_init failed";
    done(std::move(failed));
    return;
  }
  t->request = std::move(request);
  t->done = std::move(done);
  t->configure();
  t->active = true;
  ++running_;
  max_seen_ = std::max(max_seen_, running_);
  const bool added = multi_.add(t->easy, [this, t, alive = std::weak_ptr<bool>(alive_)](void*, int code) {
    if (alive.expired()) return;
    finish(t, code);
  });
  if (!added) {
    t->response.transport_error = "curl_multi_add_handle refused the request";
    finish(t, CURLE_FAILED_INIT);
  }
}

void HttpTransport::finish(Transfer* t, int curl_code) {
  if (!t->active) return;
  t->active = false;
  --running_;

  const auto code = static_cast<CURLcode>(curl_code);
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  t->response.status = static_cast<int>(status);
  t->response.request_sent =
      t->resend_refused || request_written(t->easy, t->request, t->upload_offset, code);
  if (code == CURLE_SEND_FAIL_REWIND || t->resend_refused) {
    t->response.transport_error = "the connection closed without an answer after the request was sent (not resent)";
  }
  if (code != CURLE_OK) {
    if (t->response.transport_error.empty())
      t->response.transport_error =
          t->error[0] ? std::string(t->error) : std::string(curl_easy_strerror(code));
    t->response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  }
  Done done = std::move(t->done);
  channels::TransportResponse response = std::move(t->response);
  t->done = nullptr;
  t->request = {};  // nothing of it stays with the handle; its next request sets a new body
  free_.push_back(t);

  // Fill the freed slot first, so a request queued earlier starts before anything `done` adds.
  if (!waiting_.empty() && running_ < max_in_flight_) {
    Pending next = std::move(waiting_.front());
    waiting_.pop_front();
    start(std::move(next.request), std::move(next.done));
  }
  done(std::move(response));
}

}  // namespace outreach::net
