#include "storage/sql.h"

#include "storage/database.h"

namespace outreach::storage {

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
void Statement::bind(int index, const std::string& value) { impl_->bind_text(index, value); }
void Statement::bind(int index, std::string_view value) { impl_->bind_text(index, std::string(value)); }
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
