#pragma once
// The PostgreSQL backend of the statement layer (storage/sql.h), on libpq (included only by
// storage/postgres_backend.cpp). One connection per Database, opened from a `postgresql://` URL
// (libpq's URI syntax: host, port, user, password, database, ?sslmode=...).
//
//  - SQL keeps the stores' `?` / `?N` placeholders; they become `$n` (postgres_placeholders).
//    A parameter's type is the type of the value bound (bigint, double precision, text, bytea;
//    a NULL's the server infers, or text where it cannot), and each text is prepared once per
//    connection and set of types (PQprepare) at its first run, whatever Statement asks for it:
//    a text that does not compile fails there, not when the Statement is made.
//  - Values go in their text form, blobs as binary. Results come back as text and are
//    parsed on reading; a boolean reads as 1 or 0 (as SQLite gives for a comparison), bytea as
//    its bytes.
//  - A whole result is fetched when a statement runs: a store may run other statements while it
//    steps through rows, which one libpq connection cannot do with a result half-read.
//  - Errors leave as SqlError by SQLSTATE: a lost connection, serialization failure (40001),
//    deadlock (40P01), lock or statement timeout (55P03, 57014) are `busy` (transient); unique,
//    foreign-key and other integrity violations (23xxx) and a trigger's RAISE (P0001) the
//    matching constraint kinds; disk full (53100) `full`. The message is the server's primary
//    message only, never its DETAIL (which quotes the row: personal data); data exceptions
//    (class 22, which may quote the value) are replaced by their SQLSTATE.
//  - A writer's transaction is BEGIN (READ COMMITTED); a reader's (open_reader) is REPEATABLE
//    READ READ ONLY, and a reader connection has default_transaction_read_only on, so a write
//    outside a transaction fails too.
//  - schema_version lives in a one-row table of that name (SQLite: PRAGMA user_version).

#include <memory>
#include <string>
#include <string_view>

#include "storage/sql.h"

namespace outreach::storage {

// Whether `target` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_url(std::string_view target);

// `url` with its password (user:password@ or password=) replaced by ***, for messages and logs.
std::string redact_postgres_url(const std::string& url);

// Connects to `url`; a reader gets default_transaction_read_only. Throws SqlError (busy when the
// server cannot be reached) with the URL's password left out of the message.
std::unique_ptr<Connection> open_postgres(const std::string& url, bool read_only);

// `sql` with SQLite-style placeholders rewritten for PostgreSQL: `?` takes the next number after
// the largest so far, `?N` keeps N; both become `$N`. Quoted strings ('..', "..", $tag$..$tag$)
// and comments (--, /* */) are left alone. `count` gets the largest parameter number.
std::string postgres_placeholders(std::string_view sql, int* count = nullptr);

}  // namespace outreach::storage
