#pragma once
// Error values shared by every layer. An Error carries a code callers branch on, a message, and
// where it happened (file:line, field or operation), joined like "where: message".
// Result<T> holds either a value or an Error (C++20 has no std::expected).

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace outreach::core {

enum class ErrorCode {
  invalid_input,  // the caller's data is wrong; message names the field or line
  not_found,
  conflict,       // refused by a state machine or a uniqueness rule
  unauthorized,   // who you are is unknown
  forbidden,      // who you are may not do this
  transient,      // try again later (provider 5xx, timeouts, busy database)
  permanent,      // will not succeed as asked (invalid number, rejected template)
  internal,
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string where;  // "campaigns/intake.yaml:14:3", "phone", "Outbox::claim_due"; may be empty

  static Error invalid(std::string message, std::string where = {}) {
    return {ErrorCode::invalid_input, std::move(message), std::move(where)};
  }
  static Error not_found(std::string message, std::string where = {}) {
    return {ErrorCode::not_found, std::move(message), std::move(where)};
  }
  static Error conflict(std::string message, std::string where = {}) {
    return {ErrorCode::conflict, std::move(message), std::move(where)};
  }
  static Error forbidden(std::string message, std::string where = {}) {
    return {ErrorCode::forbidden, std::move(message), std::move(where)};
  }
  static Error internal(std::string message, std::string where = {}) {
    return {ErrorCode::internal, std::move(message), std::move(where)};
  }

  // Prefixes more context: Error::invalid("bad").within("file.csv:3") -> "file.csv:3: bad".
  Error within(const std::string& outer) const&;

  // "where: message", or just the message.
  std::string what() const;
};

// Thrown at boundaries that prefer exceptions (CLI, HTTP handlers) to carry an Error unchanged.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error e) : std::runtime_error(e.what()), error_(std::move(e)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

  // Value or throw ErrorException: for boundaries that use exceptions.
  T take() && { check(); return std::get<0>(std::move(v_)); }

 private:
  void check() const {
    if (!ok()) throw ErrorException(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  void take() const {
    if (error_) throw ErrorException(*error_);
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace outreach::core
