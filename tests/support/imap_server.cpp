#include "tests/support/imap_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace outreach::test {
namespace {

bool can_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (ok) {
    char buf[64];
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ok = read(fd, buf, sizeof buf) > 0;  // the "* OK" greeting
  }
  close(fd);
  return ok;
}

void chown_tree(const std::string& path, int uid, int gid) {
  if (uid < 0) return;
  std::error_code ec;
  if (chown(path.c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid)) != 0) return;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec))
    if (chown(e.path().c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid)) != 0) return;
}

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

DovecotServer::DovecotServer() {
  const char* dovecot = "/usr/sbin/dovecot";
  if (access(dovecot, X_OK) != 0) {
    error_ = "dovecot not installed (Debian package dovecot-imapd)";
    return;
  }
  dir_ = make_temp_dir("outreach-imap");
  if (dir_.empty()) {
    error_ = "cannot create a temporary directory";
    return;
  }
  chmod(dir_.c_str(), 0755);  // Dovecot's unprivileged processes must traverse it
  for (const char* d : {"/run", "/state", "/mail"}) std::filesystem::create_directories(dir_ + d);

  std::string internal_user, login_user, mail_user, mail_group;
  if (geteuid() == 0) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr) {
      error_ = "running as root but there is no 'nobody' user to own the test mail";
      return;
    }
    mail_uid_ = static_cast<int>(nobody->pw_uid);
    mail_gid_ = static_cast<int>(nobody->pw_gid);
    mail_user = "nobody";
    const group* g = getgrgid(nobody->pw_gid);
    mail_group = g ? g->gr_name : std::to_string(nobody->pw_gid);
    internal_user = getpwnam("dovecot") ? "dovecot" : "nobody";
    login_user = getpwnam("dovenull") ? "dovenull" : "nobody";
  } else {
    const passwd* me = getpwuid(geteuid());
    if (me == nullptr) {
      error_ = "cannot look up the current user";
      return;
    }
    mail_user = internal_user = login_user = me->pw_name;
    const group* g = getgrgid(getegid());
    mail_group = g ? g->gr_name : std::to_string(getegid());
  }

  port_ = free_loopback_port();
  std::ofstream conf(dir_ + "/dovecot.conf");
  conf << "base_dir = " << dir_ << "/run\n"
       << "state_dir = " << dir_ << "/state\n"
       << "instance_name = outreach-test-" << getpid() << "-" << port_ << "\n"
       << "protocols = imap\n"
       << "listen = 127.0.0.1\n"
       << "ssl = no\n"
       << "disable_plaintext_auth = no\n"
       << "auth_mechanisms = plain login\n"
       << "default_internal_user = " << internal_user << "\n"
       << "default_login_user = " << login_user << "\n"
       << "log_path = " << dir_ << "/dovecot.log\n"
       << "mail_location = maildir:" << dir_ << "/mail/%u/Maildir\n"
       << "passdb {\n  driver = static\n  args = password=" << password() << "\n}\n"
       << "userdb {\n  driver = static\n  args = uid=" << mail_user << " gid=" << mail_group << " home=" << dir_
       << "/mail/%u\n}\n"
       << "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = " << port_
       << "\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n"
       << "service pop3-login {\n  inet_listener pop3 {\n    port = 0\n  }\n}\n"
       << "service submission-login {\n  inet_listener submission {\n    port = 0\n  }\n}\n";
  conf.close();
  chown_tree(dir_ + "/mail", mail_uid_, mail_gid_);

  if (!process_.start({dovecot, "-F", "-c", dir_ + "/dovecot.conf"}, dir_ + "/stderr.log")) {
    error_ = "cannot start dovecot";
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!can_connect(port_)) {
    if (!process_.running() || std::chrono::steady_clock::now() > deadline) {
      error_ = "dovecot did not start: " + read_file(dir_ + "/stderr.log") + log();
      process_.stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

DovecotServer::~DovecotServer() {
  process_.stop();
  remove_tree(dir_);
}

bool DovecotServer::deliver(const std::string& user, const std::string& raw_message) {
  std::string maildir = dir_ + "/mail/" + user + "/Maildir";
  for (const char* d : {"/new", "/cur", "/tmp"}) std::filesystem::create_directories(maildir + d);
  ++delivered_;
  std::string name = std::to_string(1795000000 + delivered_) + ".M" + std::to_string(delivered_) + "P" +
                     std::to_string(getpid()) + ".outreach-test";
  {
    std::ofstream out(maildir + "/tmp/" + name, std::ios::binary);
    out << raw_message;
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(maildir + "/tmp/" + name, maildir + "/new/" + name, ec);
  chown_tree(dir_ + "/mail", mail_uid_, mail_gid_);
  return !ec;
}

std::string DovecotServer::log() const { return read_file(dir_ + "/dovecot.log"); }

ImapResult fetch_imap(const channels::ImapRequest& request) {
  static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)initialised;
  ImapResult result;
  CURL* h = curl_easy_init();
  if (h == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
  if (!request.custom_request.empty()) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.custom_request.c_str());
  if (request.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &result.body);
  CURLcode rc = curl_easy_perform(h);
  result.curl_code = static_cast<int>(rc);
  if (rc != CURLE_OK) result.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  curl_easy_cleanup(h);
  return result;
}

}  // namespace outreach::test
