#include "channels/imap_mailbox.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "channels/email_connector.h"
#include "channels/mime_message.h"
#include "channels/signature.h"
#include "core/text.h"

namespace outreach::channels {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using core::trim;

std::string header_or_empty(const mime::Part& p, std::string_view name) {
  const std::string* v = p.header(name);
  return v ? *v : std::string();
}

std::string first_id(const std::string& value) {
  auto ids = mime::parse_message_ids(value);
  return ids.empty() ? std::string() : ids.front();
}

// The client_ref of one of our Message-IDs ("<enc>.<16 hex>@domain"), or empty.
std::string ref_from_message_id(std::string_view id, const MailboxMatch& match) {
  auto at = id.rfind('@');
  if (at == std::string_view::npos) return {};
  if (!match.message_id_domain.empty() && lower(id.substr(at + 1)) != lower(match.message_id_domain))
    return {};
  std::string_view local = id.substr(0, at);
  auto dot = local.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || local.size() - dot - 1 != 16) return {};
  for (char c : local.substr(dot + 1))
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
  return decode_ref(local.substr(0, dot));
}

// The client_ref of a "<reply_local_part>+<enc>@..." address, or empty.
std::string ref_from_address(std::string_view address, const MailboxMatch& match) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string local = lower(address.substr(0, at));
  std::string prefix = lower(match.reply_local_part) + "+";
  if (!local.starts_with(prefix) || local.size() == prefix.size()) return {};
  // Decode from the original spelling: refs may be case-sensitive.
  return decode_ref(address.substr(prefix.size(), at - prefix.size()));
}

std::string html_to_text(std::string_view html) {
  std::string out;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string tag = lower(html.substr(i + 1, std::min<std::size_t>(end - i - 1, 4)));
      if (tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/div")) out += '\n';
      i = end;
    } else if (html[i] == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (auto [name, repl] : kEntities) {
        if (html.compare(i, name.size(), name) == 0) {
          out += repl;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (!done) out += '&';
    } else {
      out += html[i];
    }
  }
  return out;
}

std::vector<Headers> split_groups(std::string_view body) {
  std::vector<Headers> groups;
  std::string current;
  std::size_t pos = 0;
  auto flush = [&] {
    if (!trim(current).empty()) groups.push_back(mime::parse_header_block(current));
    current.clear();
  };
  while (pos <= body.size()) {
    std::size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (trim(line).empty()) flush();
    else current.append(line).append("\n");
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  return groups;
}

std::string group_value(const Headers& h, std::string_view name) {
  const std::string* v = find_header(h, name);
  return v ? std::string(trim(*v)) : std::string();
}

// "rfc822; a@b" -> "a@b"; "smtp; 550 ..." -> "550 ...".
std::string after_type(const std::string& v) {
  auto semi = v.find(';');
  return std::string(trim(semi == std::string::npos ? std::string_view(v) : std::string_view(v).substr(semi + 1)));
}

core::Result<MailboxItem> parse_bounce(const mime::Part& root, const mime::Part& ds, const MailboxMatch& match) {
  auto groups = split_groups(ds.text());
  MailboxOther other{first_id(header_or_empty(root, "Message-ID")),
                     mime::decode_header_words(header_or_empty(root, "From")),
                     mime::decode_header_words(header_or_empty(root, "Subject")), ""};
  if (groups.size() < 2) {
    other.why = "delivery status notification without recipient fields";
    return MailboxItem{other};
  }
  const Headers* failed = nullptr;
  std::string last_action;
  for (std::size_t g = 1; g < groups.size(); ++g) {
    last_action = lower(group_value(groups[g], "Action"));
    if (last_action == "failed") {
      failed = &groups[g];
      break;
    }
  }
  if (failed == nullptr) {
    other.why = last_action == "delayed" ? "delivery delayed" : "delivery status: " + last_action;
    return MailboxItem{other};
  }
  MailboxBounce bounce;
  bounce.recipient = after_type(group_value(*failed, "Final-Recipient"));
  if (bounce.recipient.empty()) bounce.recipient = after_type(group_value(*failed, "Original-Recipient"));
  std::string original = first_id(group_value(*failed, "Original-Message-ID"));
  if (original.empty()) original = first_id(group_value(groups[0], "Original-Message-ID"));
  if (original.empty()) {
    const mime::Part* orig = root.find("message/rfc822");
    if (orig == nullptr) orig = root.find("text/rfc822-headers");
    if (orig == nullptr) orig = root.find("message/rfc822-headers");
    if (orig != nullptr) {
      auto parsed = mime::parse_message(orig->decoded_body());
      if (parsed) original = first_id(header_or_empty(*parsed, "Message-ID"));
    }
  }
  if (original.empty()) {
    other.why = "bounce without the original Message-ID";
    return MailboxItem{other};
  }
  std::string status = group_value(*failed, "Status");
  std::string diagnostic = after_type(group_value(*failed, "Diagnostic-Code"));
  bounce.status.provider_id = original;
  bounce.status.state = DeliveryState::undelivered;
  bounce.status.reason = status.empty() ? diagnostic : diagnostic.empty() ? status : status + " " + diagnostic;
  std::string when = group_value(*failed, "Last-Attempt-Date");
  if (when.empty()) when = group_value(groups[0], "Arrival-Date");
  if (when.empty()) when = header_or_empty(root, "Date");
  bounce.status.at = mime::parse_date(when);
  bounce.client_ref = ref_from_message_id(original, match);
  return MailboxItem{std::move(bounce)};
}

bool is_auto_reply(const mime::Part& root) {
  std::string auto_submitted = lower(trim(header_or_empty(root, "Auto-Submitted")));
  if (!auto_submitted.empty() && auto_submitted != "no") return true;
  if (root.header("X-Autoreply") != nullptr || root.header("X-Autorespond") != nullptr) return true;
  std::string precedence = lower(trim(header_or_empty(root, "Precedence")));
  return precedence == "auto_reply" || precedence == "bulk" || precedence == "junk";
}

// The line a phone or mail app adds under what the person typed ("Verzonden vanaf mijn iPhone"),
// in the languages the programme writes in. A reply is a keyword only when it is nothing but the
// word, so "STOP" with this line under it must still be "STOP". Matched on the ASCII-lowered line.
bool is_device_footer(std::string_view lowered) {
  static constexpr std::string_view kStarts[] = {
      "sent from my ", "sent from outlook", "sent from mail for windows", "sent from yahoo mail",
      "get outlook for ", "download outlook for ", "verzonden vanaf mijn ", "verstuurd vanaf mijn ",
      "verzonden vanuit ", "verstuurd vanuit ", "verzonden met ", "verstuurd met ", "outlook voor ios",
      "outlook voor android", "von meinem ", "envoyé de mon ", "envoyé depuis mon ", "enviado desde mi ",
      "wysłane z ", "أُرسلت من", "أرسلت من"};
  // A sentence that starts the same way is the person's own ("sent from my phone, but: stop").
  lowered = lowered.substr(0, lowered.find('<'));  // "Get Outlook for Android<https://aka.ms/...>"
  if (lowered.size() > 80 || lowered.find_first_of(",:;?!") != std::string_view::npos) return false;
  for (auto s : kStarts) {
    if (lowered.starts_with(s)) return true;
  }
  return lowered.ends_with("gönderildi");  // Turkish: "iPhone'umdan gönderildi"
}

}  // namespace

core::Result<ImapSettings> validate_imap_settings(ImapSettings s) {
  if (!(s.url.starts_with("imap://") || s.url.starts_with("imaps://")))
    return core::Error::invalid("must start with imap:// or imaps://, got '" + s.url + "'", "imap.url");
  while (s.url.size() > 8 && s.url.back() == '/') s.url.pop_back();
  if (s.url.find('/', s.url.find("://") + 3) != std::string::npos)
    return core::Error::invalid("give the server only (imap://host:port); the mailbox is imap.mailbox",
                                "imap.url");
  if (s.mailbox.empty() || s.mailbox.find_first_of(";?#\r\n") != std::string::npos)
    return core::Error::invalid("must be a mailbox name without ';', '?' or '#', got '" + s.mailbox + "'",
                                "imap.mailbox");
  if (s.username.empty()) return core::Error::invalid("must not be empty", "imap.username");
  if (s.timeout.count() <= 0) return core::Error::invalid("must be positive", "imap.timeout_ms");
  return s;
}

ImapMailbox::ImapMailbox(ImapSettings settings) : settings_(std::move(settings)) {}

std::string ImapMailbox::mailbox_url() const {
  std::string url = settings_.url + "/";
  for (char c : settings_.mailbox) {
    auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '-' || c == '_' || c == '.' || c == '/') {
      url += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      url += '%';
      url += kHex[b >> 4];
      url += kHex[b & 0xF];
    }
  }
  return url;
}

ImapRequest ImapMailbox::base(std::string url, std::string custom) const {
  ImapRequest r;
  r.url = std::move(url);
  r.custom_request = std::move(custom);
  r.username = settings_.username;
  r.password = settings_.password;
  r.starttls = settings_.starttls && settings_.url.starts_with("imap://");
  r.timeout = settings_.timeout;
  return r;
}

ImapRequest ImapMailbox::status() const {
  // Without a mailbox in the URL libcurl sends the command right after login (no SELECT).
  std::string quoted = "\"";
  for (char c : settings_.mailbox) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return base(settings_.url + "/", "STATUS " + quoted + "\" (UIDVALIDITY UIDNEXT)");
}

core::Result<ImapMailboxStatus> parse_status_response(std::string_view text) {
  auto number_after = [&](std::string_view key) -> std::optional<std::uint32_t> {
    auto at = text.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    std::size_t i = at + key.size();
    while (i < text.size() && text[i] == ' ') ++i;
    std::uint64_t v = 0;
    std::size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 11; ++i, ++digits)
      v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (digits == 0 || v > 0xffffffffu) return std::nullopt;
    return static_cast<std::uint32_t>(v);
  };
  if (text.find("* STATUS") == std::string_view::npos && text.find("* status") == std::string_view::npos)
    return core::Error::invalid("no STATUS answer in the server's reply", "imap status");
  auto validity = number_after("UIDVALIDITY");
  auto next = number_after("UIDNEXT");
  if (!validity || *validity == 0) return core::Error::invalid("the STATUS answer has no UIDVALIDITY", "imap status");
  return ImapMailboxStatus{*validity, next.value_or(0)};
}

ImapRequest ImapMailbox::search_unseen() const { return base(mailbox_url(), "UID SEARCH UNSEEN"); }

ImapRequest ImapMailbox::search_from_uid(std::uint32_t first) const {
  return base(mailbox_url(), "UID SEARCH UID " + std::to_string(first == 0 ? 1 : first) + ":*");
}

ImapRequest ImapMailbox::fetch(std::uint32_t uid) const {
  return base(mailbox_url() + ";UID=" + std::to_string(uid), "");
}

ImapRequest ImapMailbox::mark_seen(std::uint32_t uid) const {
  return base(mailbox_url(), "UID STORE " + std::to_string(uid) + " +FLAGS (\\Seen)");
}

core::Result<std::vector<std::uint32_t>> parse_search_response(std::string_view text) {
  std::vector<std::uint32_t> uids;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.starts_with("* SEARCH") && !line.starts_with("* search")) continue;
    line.remove_prefix(8);
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i >= line.size()) break;
      if (line[i] == '(') break;  // "(MODSEQ n)" and similar extensions end the list
      std::uint64_t v = 0;
      std::size_t start = i;
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) {
        v = v * 10 + static_cast<std::uint64_t>(line[i] - '0');
        if (v > 0xFFFFFFFFULL) return core::Error::invalid("UID out of range in '" + std::string(line) + "'", "imap search");
        ++i;
      }
      if (i == start || (i < line.size() && line[i] != ' '))
        return core::Error::invalid("unexpected '" + std::string(line.substr(start)) + "'", "imap search");
      uids.push_back(static_cast<std::uint32_t>(v));
    }
  }
  return uids;
}

std::string strip_quoted(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  static constexpr std::string_view kCutMarkers[] = {"-----original message-----",
                                                     "-----oorspronkelijk bericht-----",
                                                     "-----oorspronkelijk e-mailbericht-----"};
  static constexpr std::string_view kAttribution[] = {"wrote", "schreef", "yazd", "a écrit", "escribió",
                                                      "geschrieben", "كتب"};
  std::vector<std::string> kept;
  for (const std::string& line : lines) {
    std::string_view t = trim(line);
    std::string lt = lower(t);
    bool cut = t == "--" || line == "-- ";  // the signature separator (RFC 3676; often without its space)
    for (auto m : kCutMarkers) cut = cut || lt.starts_with(m);
    if (cut) break;
    if (t.starts_with(">")) {
      // Drop the attribution line just above the quote ("On Mon, ... wrote:").
      std::size_t k = kept.size();
      while (k > 0 && trim(kept[k - 1]).empty()) --k;
      if (k > 0) {
        std::string prev = lower(trim(kept[k - 1]));
        bool attribution = prev.ends_with(":");
        bool named = false;
        for (auto a : kAttribution) named = named || prev.find(a) != std::string::npos;
        if (attribution && named) kept.resize(k - 1);
      }
      continue;
    }
    kept.push_back(line);
  }
  // The app's line goes only from under something the person typed.
  auto typed_above = [&kept] {
    return std::any_of(kept.begin(), kept.end() - 1, [](const std::string& l) { return !trim(l).empty(); });
  };
  while (!kept.empty() && (trim(kept.back()).empty() || (is_device_footer(lower(trim(kept.back()))) && typed_above()))) {
    kept.pop_back();
  }
  std::string out;
  for (const auto& l : kept) {
    std::string_view r(l);
    while (!r.empty() && (r.back() == ' ' || r.back() == '\t')) r.remove_suffix(1);
    out.append(r).append("\n");
  }
  return std::string(trim(out));
}

core::Result<MailboxItem> parse_mailbox_message(std::string_view raw, const MailboxMatch& match) {
  auto parsed = mime::parse_message(raw);
  if (!parsed) return parsed.error().within("mailbox message");
  const mime::Part& root = *parsed;

  if (root.media_type() == "multipart/report") {
    const mime::Part* ds = root.find("message/delivery-status");
    if (ds != nullptr) return parse_bounce(root, *ds, match);
  }

  MailboxOther other{first_id(header_or_empty(root, "Message-ID")),
                     mime::decode_header_words(header_or_empty(root, "From")),
                     mime::decode_header_words(header_or_empty(root, "Subject")), ""};
  if (is_auto_reply(root)) {
    other.why = "auto-reply";
    return MailboxItem{other};
  }

  if (!match.unsubscribe_address.empty()) {
    const std::string wanted = lower(match.unsubscribe_address);
    for (const char* h : {"To", "Cc", "Delivered-To", "X-Original-To"}) {
      for (const std::string& a : mime::extract_addresses(header_or_empty(root, h))) {
        if (lower(a) != wanted) continue;
        std::string sender = mime::extract_address(header_or_empty(root, "From"));
        auto urn = core::Urn::email(sender);
        if (!urn) return core::Error::invalid("not an e-mail address: '" + sender + "'", "From");
        std::string id = other.message_id;
        if (id.empty()) id = "sha256:" + hex_encode(sha256(raw)).substr(0, 32);
        return MailboxItem{MailboxUnsubscribe{id, *urn}};
      }
    }
  }

  std::string ref, in_reply_to;
  std::vector<std::string> ids = mime::parse_message_ids(header_or_empty(root, "In-Reply-To"));
  for (auto& id : mime::parse_message_ids(header_or_empty(root, "References"))) ids.push_back(id);
  for (const std::string& id : ids) {
    ref = ref_from_message_id(id, match);
    if (!ref.empty()) {
      in_reply_to = id;
      break;
    }
  }
  if (ref.empty()) {
    for (const char* h : {"To", "Cc", "Delivered-To", "X-Original-To"}) {
      for (const std::string& a : mime::extract_addresses(header_or_empty(root, h))) {
        ref = ref_from_address(a, match);
        if (!ref.empty()) break;
      }
      if (!ref.empty()) break;
    }
  }
  if (ref.empty()) {
    other.why = "not a reply to an outreach message";
    return MailboxItem{other};
  }

  std::string sender = mime::extract_address(header_or_empty(root, "From"));
  auto urn = core::Urn::email(sender);
  if (!urn) return core::Error::invalid("not an e-mail address: '" + sender + "'", "From");

  std::string text;
  if (const mime::Part* plain = root.find("text/plain")) text = plain->text();
  else if (const mime::Part* html = root.find("text/html")) text = html_to_text(html->text());

  std::string id = other.message_id;
  if (id.empty()) id = "sha256:" + hex_encode(sha256(raw)).substr(0, 32);
  MailboxReply reply{ref, in_reply_to,
                     InboundMessage{id, *urn, strip_quoted(text), mime::parse_date(header_or_empty(root, "Date"))}};
  return MailboxItem{std::move(reply)};
}

}  // namespace outreach::channels
