#pragma once
// Loopback IMAP server for integration tests: Dovecot started in the foreground
// (`dovecot -F -c <generated conf>`) on a free 127.0.0.1 port, plaintext (ssl = no), one mailbox
// per user in Maildir under a fresh temporary directory, any user name with `password()`.
// When running as root the mail is owned by "nobody" (Dovecot refuses uid 0 for mail access);
// otherwise everything runs as the current user. The destructor stops Dovecot and removes the
// directory. Use from one thread.
//
// fetch_imap executes an ImapRequest with a libcurl easy handle, the way the engine is expected to.

#include <chrono>
#include <string>

#include "channels/imap_mailbox.h"
#include "tests/support/smtp_server.h"

namespace outreach::test {

class DovecotServer {
 public:
  DovecotServer();
  ~DovecotServer();
  DovecotServer(const DovecotServer&) = delete;
  DovecotServer& operator=(const DovecotServer&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "imap://127.0.0.1:" + std::to_string(port_); }
  static std::string password() { return "outreach-test"; }

  // Places a raw message into user's INBOX (Maildir new/); it gets the next UID on the next scan.
  bool deliver(const std::string& user, const std::string& raw_message);
  // Dovecot's log, for failure messages.
  std::string log() const;

 private:
  ChildProcess process_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  int mail_uid_ = -1;
  int mail_gid_ = -1;
  int delivered_ = 0;
};

struct ImapResult {
  int curl_code = -1;  // CURLcode; 0 on success
  std::string error;
  std::string body;    // what the server sent for the request (message text or "* SEARCH ...")
};

ImapResult fetch_imap(const channels::ImapRequest& request);

}  // namespace outreach::test
