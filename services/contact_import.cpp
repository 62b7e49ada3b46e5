#include "services/contact_import.h"

#include "core/text.h"
#include "services/audit_trail.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/csv_reader.h"
#include "core/text_encoding.h"
#include "core/urn.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/suppression_list.h"

namespace outreach::services {
namespace {

const std::vector<std::string> kColumns = {"name", "phone", "email", "whatsapp", "language", "municipality", "tags", "consent"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) { return core::trimmed(s, " \t"); }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(sep, start);
    std::string part = trim(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (!part.empty()) out.push_back(part);
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

bool is_language(const std::string& s) {
  return (s.size() == 2 || s.size() == 3) && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

core::Result<ImportReport> import_contacts(storage::Database& db, const std::string& csv_text,
                                           const ImportOptions& options, core::TimePoint now) {
  if (!options.suppressions) {
    return core::Error::internal("no suppression list to check the rows against", options.file_name);
  }
  auto decoded = core::decode_text_file(csv_text);
  if (!decoded) return decoded.error().within(options.file_name);
  core::CsvTable table = core::parse_csv(decoded->text);
  if (!table.error.empty()) return core::Error::invalid(table.error, options.file_name);
  if (table.records.empty()) return core::Error::invalid("the file is empty (expected a header line)", options.file_name);

  std::map<std::string, std::size_t> col;
  const auto& header = table.records.front();
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = lower(trim(header.fields[i]));
    if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end()) {
      return core::Error::invalid("unknown column '" + trim(header.fields[i]) +
                                      "' (expected name, phone, email, whatsapp, language, municipality, tags, consent)",
                                  options.file_name + ":1");
    }
    if (col.count(name)) return core::Error::invalid("column '" + name + "' appears twice", options.file_name + ":1");
    col[name] = i;
  }
  if (!col.count("name")) return core::Error::invalid("missing column 'name'", options.file_name + ":1");

  std::set<std::string> known;
  for (const auto& m : storage::MunicipalityStore(db).list()) {
    if (m.valid_to.empty()) known.insert(m.code);
  }
  storage::ContactStore contacts(db);
  storage::ConsentLedger ledger(db);
  ImportReport report;
  report.encoding = decoded->encoding;
  const std::size_t total = table.records.size() - 1;

  auto st = db.transaction([&]() -> core::Status {
    for (std::size_t r = 1; r < table.records.size(); ++r) {
      const core::CsvRecord& rec = table.records[r];
      auto get = [&](const char* name) -> std::string {
        auto it = col.find(name);
        if (it == col.end() || it->second >= rec.fields.size()) return {};
        return trim(rec.fields[it->second]);
      };
      auto reject = [&](std::string reason) { report.rejected.push_back({rec.line, std::move(reason)}); };
      if (options.progress) options.progress(r, total);
      if (rec.fields.size() > header.fields.size()) {
        reject("has " + std::to_string(rec.fields.size()) + " fields, the header has " + std::to_string(header.fields.size()));
        continue;
      }
      storage::Contact c;
      c.name = get("name");
      if (c.name.empty()) { reject("name: empty"); continue; }
      // A name goes into every message ("Beste {{name}}"); a bell or a terminal escape from a damaged
      // export must not.
      if (auto at = core::first_control_character(c.name)) {
        reject("name: control character " + core::control_character_name(c.name, *at) + " (only tabs and line breaks)");
        continue;
      }
      c.language = lower(get("language"));
      if (c.language.empty()) c.language = "nl";
      if (!is_language(c.language)) { reject("language: '" + c.language + "' is not a language code such as nl, en, tr, pap"); continue; }
      c.municipality = get("municipality");
      if (!c.municipality.empty() && !known.count(c.municipality)) { reject("municipality: unknown CBS code '" + c.municipality + "'"); continue; }
      std::string bad;
      if (auto v = get("phone"); !v.empty()) {
        auto u = core::Urn::phone(v);
        if (!u) bad = "phone: " + u.error().what(); else c.addresses.push_back({*u});
      }
      if (auto v = get("email"); bad.empty() && !v.empty()) {
        auto u = core::Urn::email(v);
        if (!u) bad = "email: " + u.error().what(); else c.addresses.push_back({*u});
      }
      if (auto v = get("whatsapp"); bad.empty() && !v.empty()) {
        auto u = core::Urn::whatsapp(v);
        if (!u) bad = "whatsapp: " + u.error().what(); else c.addresses.push_back({*u});
      }
      if (!bad.empty()) { reject(bad); continue; }
      if (c.addresses.empty()) { reject("no phone, email or whatsapp address"); continue; }
      {
        // Each address is hashed once: for this check, and stored with it for the checks that read it.
        std::vector<std::string> hashes;
        for (auto& a : c.addresses) {
          a.address_hash = options.suppressions->hash(a.urn);
          a.address_hash_key = options.suppressions->key_id();
          hashes.push_back(a.address_hash);
        }
        auto each = options.suppressions->suppressed_hashes(hashes);
        if (!each) return each.error();
        if (std::find(each->begin(), each->end(), true) != each->end()) {
          report.suppressed.push_back({rec.line, kSuppressedReason});
          continue;
        }
      }
      c.tags = split(get("tags"), ';');
      std::vector<std::pair<std::string, std::string>> consents;
      for (const auto& item : split(get("consent"), ';')) {
        auto at = item.find('@');
        consents.emplace_back(item.substr(0, at), at == std::string::npos ? "*" : item.substr(at + 1));
      }
      // Each row in its own savepoint: a row that fails halfway leaves nothing behind.
      std::string row_error;
      auto row = db.transaction([&]() -> core::Status {
        auto id = contacts.add(c, now);
        if (!id) return id.error();
        for (const auto& [purpose, channel] : consents) {
          storage::ConsentEvent ev;
          ev.contact_id = *id;
          ev.purpose = purpose;
          ev.channel = channel;
          ev.action = storage::ConsentAction::grant;
          ev.source = "import";
          ev.text_id = options.consent_text_id;
          ev.text_version = options.consent_text_version;
          ev.language = c.language;
          ev.collector = options.collector;
          ev.at = now;
          ev.origin_form = options.file_name + ":" + std::to_string(rec.line);
          if (auto e = ledger.record(ev); !e) return e.error();
        }
        return {};
      });
      if (!row) {
        reject(row.error().what());
        continue;
      }
      ++report.imported;
    }
    return {};
  });
  if (!st) return st.error().within(options.file_name);
  return report;
}

core::Result<ImportReport> import_contacts(const Actor& actor, storage::Database& db, const core::Clock& clock,
                                           const std::string& csv_text, ImportOptions options) {
  if (auto st = require_kind(actor, {storage::PrincipalKind::coordinator, storage::PrincipalKind::operator_},
                             "import contacts");
      !st) {
    return st.error();
  }
  options.collector = actor.name;
  ImportReport report;
  auto st = db.transaction([&]() -> core::Status {
    auto r = import_contacts(db, csv_text, options, clock.now());
    if (!r) return r.error();
    report = std::move(*r);
    return AuditTrail(db, clock).record(actor, "contacts.import", "file:" + options.file_name, "outreach",
                                        std::to_string(report.imported) + " imported, " +
                                            std::to_string(report.rejected.size()) + " rejected, " +
                                            std::to_string(report.suppressed.size()) + " suppressed");
  });
  if (!st) return st.error();
  return report;
}

}  // namespace outreach::services
