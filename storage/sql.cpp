#include "storage/sql.h"

#include <cstring>

#include "storage/database.h"

namespace outreach::storage {
namespace {

// Text with a NUL character reads back the same from either backend: PostgreSQL's text cannot
// hold U+0000 (libpq would cut the value at it, silently), so it becomes U+FFFD on both, as
// core::repair_utf8 marks what could not be kept.
std::string without_nul(std::string value) {
  if (std::memchr(value.data(), '\0', value.size()) == nullptr) return value;
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    if (c == '\0') out += "\xEF\xBF\xBD";
    else out += c;
  }
  return out;
}

}  // namespace

bool Column::isNull() const { return st_->column_is_null(index_); }
std::int64_t Column::getInt64() const { return st_->column_int64(index_); }
int Column::getInt() const { return static_cast<int>(st_->column_int64(index_)); }
double Column::getDouble() const { return st_->column_double(index_); }
std::string Column::getString() const { return st_->column_text(index_); }
std::string Column::getBlob() const { return st_->column_blob(index_); }

Statement::Statement(Database& db, const std::string& sql) : impl_(db.connection().prepare(sql)) {}
Statement::Statement(Database& db, const char* sql) : impl_(db.connection().prepare(sql)) {}
Statement::Statement(Database& db, const Sql& sql) : impl_(db.connection().prepare(sql.text(db.dialect()))) {}
Statement::Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}
Statement::~Statement() = default;
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;

void Statement::bind(int index, int value) { impl_->bind_int64(index, value); }
void Statement::bind(int index, unsigned value) { impl_->bind_int64(index, value); }
void Statement::bind(int index, std::int64_t value) { impl_->bind_int64(index, value); }
void Statement::bind(int index, double value) { impl_->bind_double(index, value); }
void Statement::bind(int index, const std::string& value) {
  if (std::memchr(value.data(), '\0', value.size()) != nullptr) impl_->bind_text(index, without_nul(value));
  else impl_->bind_text(index, value);
}
void Statement::bind(int index, std::string_view value) { impl_->bind_text(index, without_nul(std::string(value))); }
void Statement::bind(int index, const char* value) { impl_->bind_text(index, std::string(value)); }
void Statement::bind(int index) { impl_->bind_null(index); }
void Statement::bindBlob(int index, const void* data, std::size_t size) { impl_->bind_blob(index, data, size); }
int Statement::getBindParameterCount() const { return impl_->parameter_count(); }

int Statement::exec() { return impl_->exec(); }
bool Statement::executeStep() { return impl_->step(); }
void Statement::reset() { impl_->reset(); }
void Statement::clearBindings() { impl_->clear_bindings(); }
Column Statement::getColumn(int index) const { return Column(*impl_, index); }
int Statement::getColumnCount() const { return impl_->column_count(); }

}  // namespace outreach::storage
