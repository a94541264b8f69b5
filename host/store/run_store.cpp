#include "store/run_store.hpp"

#include "config/config.hpp"
#include "util/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>

namespace cf::host {
namespace {

// Bumped whenever a table changes shape; a host refuses a store written by a newer one rather
// than misreading it.
// Version 2 added runs.pid; a version 1 store is brought up to it when opened.
constexpr std::int64_t kSchemaVersion = 2;

// Long enough to outwait any other run's write transaction, which only ever lasts milliseconds;
// the same bound caps our own retries when SQLite reports BUSY without waiting.
constexpr std::chrono::milliseconds kBusyTimeout{30000};

// Created in one write transaction, so two processes opening a fresh file never both create it.
constexpr std::string_view kCreateSchema = R"sql(
CREATE TABLE schema (version INTEGER NOT NULL);
CREATE TABLE runs (
  reference TEXT NOT NULL UNIQUE,
  experiment TEXT NOT NULL,
  number INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  git_dirty INTEGER NOT NULL,
  param_files_json TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  command TEXT NOT NULL,
  hostname TEXT NOT NULL,
  notes TEXT NOT NULL,
  full_store INTEGER NOT NULL,
  reproduce TEXT NOT NULL,
  environment_json TEXT NOT NULL,
  pid INTEGER NOT NULL DEFAULT 0,
  UNIQUE (experiment, number)
);
CREATE INDEX runs_by_time ON runs (timestamp, number);
CREATE TABLE params (
  hash TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE artifacts (
  reference TEXT NOT NULL REFERENCES runs (reference),
  path TEXT NOT NULL,
  stage TEXT NOT NULL,
  record INTEGER NOT NULL,
  artifact TEXT NOT NULL,
  produced INTEGER NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts (reference);
)sql";

// Every reader of a run names the columns in this order; read_run depends on it.
constexpr std::string_view kSelectRun =
    "SELECT reference, experiment, number, timestamp, git_commit, git_dirty, param_files_json, status, "
    "error, command, hostname, notes, full_store, reproduce, environment_json, pid FROM runs";

// Version 1 -> 2: the process that records a run, so `experiment runs` can tell a run still
// going from one whose process died without a word.
constexpr std::string_view kMigrateToVersion2 = R"sql(
ALTER TABLE runs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
UPDATE schema SET version = 2;
)sql";

// A failed SQLite call. It carries SQLite's reason and result code only: the public functions
// add the file and what they were doing, and the busy code decides whether to try again.
struct SqliteError : std::runtime_error {
  SqliteError(int result, const std::string& message) : std::runtime_error(message), code(result) {}
  int primary() const { return code & 0xff; }
  // Another process holds the lock. (SQLITE_LOCKED is a conflict inside this connection, which
  // waiting cannot resolve.)
  bool busy() const { return primary() == SQLITE_BUSY; }
  int code;
};

[[noreturn]] void fail(sqlite3* db, int code) {
  // sqlite3_errmsg describes the most recent failure on the connection, which is this one; for
  // a connection that could not be allocated only the code is left.
  throw SqliteError(code, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

struct CloseConnection {
  // close_v2 defers the close until every statement is finalized, so destruction order of
  // handles can never leak the connection.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    statement_.reset(raw);
    if (rc != SQLITE_OK) fail(db_, rc);
  }

  Statement& bind(int index, std::string_view text) {
    // TRANSIENT copies the text, so callers may bind temporaries.
    check(sqlite3_bind_text64(statement_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_.get(), index, value));
    return *this;
  }
  Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  Statement& bind_null(int index) {
    check(sqlite3_bind_null(statement_.get(), index));
    return *this;
  }

  // True while there is a row to read, false once the statement has run to completion.
  bool step() {
    const int rc = sqlite3_step(statement_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc);
  }

  void run() {
    while (step()) {
    }
  }

  // Ready for another execution with fresh bindings.
  void reset() {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
  }

  std::string text(int column) const {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_.get(), column));
    // Asked after column_text, as SQLite documents, so the count matches the converted text.
    const int size = sqlite3_column_bytes(statement_.get(), column);
    return bytes == nullptr ? std::string() : std::string(bytes, static_cast<std::size_t>(size));
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(db_, rc);
  }

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement_;
};

// Runs every statement of a constant script (no values in it: those are always bound).
void execute_script(sqlite3* db, std::string_view script) {
  while (!script.empty()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, script.data(), static_cast<int>(script.size()), &raw, &tail);
    std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement(raw);
    if (rc != SQLITE_OK) fail(db, rc);
    script.remove_prefix(static_cast<std::size_t>(tail - script.data()));
    if (raw == nullptr) continue;  // whitespace between statements
    int step;
    while ((step = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (step != SQLITE_DONE) fail(db, step);
  }
}

// BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
// writes can fail with BUSY at the write without waiting, after another process has read the
// same highest run number.
class WriteTransaction {
 public:
  explicit WriteTransaction(sqlite3* db) : db_(db) { execute_script(db_, "BEGIN IMMEDIATE"); }
  ~WriteTransaction() {
    // Still open after an exception or a failed COMMIT; SQLite may already have rolled back on
    // its own for some errors, hence the check.
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit() { execute_script(db_, "COMMIT"); }

 private:
  sqlite3* db_;
};

// The busy handler covers the usual waits, but SQLite returns BUSY at once where waiting could
// deadlock (WAL recovery, a lock upgrade, a rollback-journal COMMIT), so the whole unit of work
// is repeated after a short pause until the busy timeout has passed.
template <class Fn>
auto retry_while_busy(Fn&& work) -> decltype(work()) {
  const auto deadline = std::chrono::steady_clock::now() + kBusyTimeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      return work();
    } catch (const SqliteError& e) {
      if (!e.busy() || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

// "YYYY-MM-DDTHH:MM:SS" as the reference writes it, "YYYY-MM-DD-THHMMSS"; nothing for any
// other shape, since a reference is also a folder name and must not vary with the caller.
std::optional<std::string> reference_time(const std::string& timestamp) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (timestamp.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = timestamp[i];
    const bool fits = kShape[i] == 'd' ? (c >= '0' && c <= '9') : c == kShape[i];
    if (!fits) return std::nullopt;
  }
  return timestamp.substr(0, 10) + "-T" + timestamp.substr(11, 2) + timestamp.substr(14, 2) +
         timestamp.substr(17, 2);
}

bool known_status(const std::string& status) {
  return status == "incomplete" || status == "complete" || status == "error" || status == "interrupted";
}

// The first string that no string starting with `prefix` reaches, in SQLite's byte order; none
// when every byte is 0xff (then there is no upper bound).
std::optional<std::string> prefix_end(std::string prefix) {
  while (!prefix.empty()) {
    const auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

StoredRun read_run(const Statement& row) {
  StoredRun run;
  run.reference = row.text(0);
  run.experiment = row.text(1);
  run.number = static_cast<int>(row.integer(2));
  run.timestamp = row.text(3);
  run.git_commit = row.text(4);
  run.git_dirty = row.integer(5) != 0;
  run.param_files_json = row.text(6);
  run.status = row.text(7);
  run.error = row.text(8);
  run.command = row.text(9);
  run.hostname = row.text(10);
  run.notes = row.text(11);
  run.full_store = row.integer(12) != 0;
  run.reproduce = row.text(13);
  run.environment_json = row.text(14);
  run.pid = row.integer(15);
  return run;
}

bool run_exists(sqlite3* db, const std::string& reference) {
  Statement query(db, "SELECT 1 FROM runs WHERE reference = ?1");
  query.bind(1, reference);
  return query.step();
}

// Error texts are one line; SQLite's own messages are, but this keeps it so whatever they say.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

struct RunStore::Database {
  std::filesystem::path file;
  Connection connection;
  // One connection per store object; the mutex keeps threads that share the object from
  // interleaving statements inside each other's transactions.
  std::mutex mutex;

  sqlite3* get() const { return connection.get(); }
  std::string name() const { return display_path(file); }

  // Runs one unit of work under the lock, retrying while the file is busy, and turns a SQLite
  // failure into the user's one-line error: "<file>: <action>: <reason>".
  template <class Fn>
  auto guarded(const std::string& action, Fn&& work) -> decltype(work()) {
    std::lock_guard lock(mutex);
    try {
      return retry_while_busy(work);
    } catch (const SqliteError& e) {
      throw UserError(one_line(name() + ": " + action + ": " + e.what()));
    }
  }

  // `work` runs inside one write transaction, repeated as a whole when the file is busy.
  template <class Fn>
  auto write(const std::string& action, Fn&& work) -> decltype(work()) {
    return guarded(action, [&] {
      WriteTransaction transaction(get());
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        transaction.commit();
      } else {
        auto result = work();
        transaction.commit();
        return result;
      }
    });
  }

  [[noreturn]] void no_run(const std::string& reference) const {
    throw UserError(one_line(name() + ": no run '" + reference + "'"));
  }
};

std::filesystem::path RunStore::default_path(const Config& config) {
  return config.manager_cache_path / "store.db";
}

RunStore::RunStore(const std::filesystem::path& file) : db_(std::make_unique<Database>()), file_(file) {
  db_->file = file;
  const std::string name = db_->name();

  if (const auto folder = file.parent_path(); !folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
      throw UserError(name + ": cannot create folder " + display_path(folder) + ": " + error.message());
  }

  sqlite3* raw = nullptr;
  // NOMUTEX: the connection belongs to this object alone and Database::mutex serializes its use.
  const int rc = sqlite3_open_v2(file.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_->connection.reset(raw);
  if (rc != SQLITE_OK) {
    throw UserError(one_line(name + ": cannot open the run store: " +
                             (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))));
  }
  sqlite3_busy_timeout(raw, static_cast<int>(kBusyTimeout.count()));

  try {
    retry_while_busy([&] {
      // WAL lets runs read the store while another writes, and NORMAL is durable enough there
      // (a power cut can lose the last commits, never corrupt). A file system without WAL
      // support answers with another mode; locking stays correct, so that is accepted.
      execute_script(raw, "PRAGMA journal_mode = WAL");
      execute_script(raw, "PRAGMA synchronous = NORMAL");
      execute_script(raw, "PRAGMA foreign_keys = ON");
    });
    retry_while_busy([&] {
      WriteTransaction transaction(raw);
      Statement has_schema(raw,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema'");
      has_schema.step();
      if (has_schema.integer(0) == 0) {
        Statement objects(raw, "SELECT count(*) FROM sqlite_master");
        objects.step();
        // Some other program's database: adding our tables to it would only hide the mistake.
        if (objects.integer(0) != 0)
          throw UserError(name + ": not a run store (a database without a schema table)");
        execute_script(raw, kCreateSchema);
        Statement insert(raw, "INSERT INTO schema (version) VALUES (?1)");
        insert.bind(1, kSchemaVersion).run();
      } else {
        Statement version(raw, "SELECT version FROM schema");
        if (!version.step()) throw UserError(name + ": not a run store (its schema table holds no version)");
        const std::int64_t found = version.integer(0);
        if (found > kSchemaVersion) {
          throw UserError(name + ": store schema version " + std::to_string(found) +
                          " is newer than this experiment host understands (" +
                          std::to_string(kSchemaVersion) + "); update the host");
        }
        if (found == 1) {
          execute_script(raw, kMigrateToVersion2);
        } else if (found < kSchemaVersion) {
          throw UserError(name + ": not a run store (unknown schema version " + std::to_string(found) + ")");
        }
      }
      transaction.commit();
    });
  } catch (const SqliteError& e) {
    if (e.primary() == SQLITE_NOTADB) throw UserError(name + ": not a run store (file is not a database)");
    throw UserError(one_line(name + ": cannot open the run store: " + e.what()));
  }
}

RunStore::~RunStore() = default;

StoredRun RunStore::begin_run(StoredRun run) {
  const std::string action = "cannot begin a run of experiment '" + run.experiment + "'";
  const auto time = reference_time(run.timestamp);
  if (!time) {
    throw UserError(one_line(db_->name() + ": " + action + ": timestamp '" + run.timestamp +
                             "' is not YYYY-MM-DDTHH:MM:SS"));
  }
  run.status = "incomplete";
  run.error.clear();
  return db_->write(action, [&] {
    StoredRun numbered = run;
    Statement highest(db_->get(), "SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE experiment = ?1");
    highest.bind(1, run.experiment).step();
    const std::int64_t number = highest.integer(0);
    if (number > INT_MAX) throw UserError(db_->name() + ": " + action + ": run numbers exhausted");
    numbered.number = static_cast<int>(number);
    numbered.reference = run.experiment + "_" + std::to_string(number) + "_" + *time;

    Statement insert(db_->get(),
                     "INSERT INTO runs (reference, experiment, number, timestamp, git_commit, git_dirty, "
                     "param_files_json, status, error, command, hostname, notes, full_store, reproduce, "
                     "environment_json, pid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                     "?14, ?15, ?16)");
    insert.bind(1, numbered.reference)
        .bind(2, numbered.experiment)
        .bind(3, numbered.number)
        .bind(4, numbered.timestamp)
        .bind(5, numbered.git_commit)
        .bind(6, numbered.git_dirty)
        .bind(7, numbered.param_files_json)
        .bind(8, numbered.status)
        .bind(9, numbered.error)
        .bind(10, numbered.command)
        .bind(11, numbered.hostname)
        .bind(12, numbered.notes)
        .bind(13, numbered.full_store)
        .bind(14, numbered.reproduce)
        .bind(15, numbered.environment_json)
        .bind(16, numbered.pid)
        .run();
    return numbered;
  });
}

void RunStore::finish_run(const std::string& reference, const std::string& status, const std::string& error) {
  const std::string action = "cannot finish run '" + reference + "'";
  if (!known_status(status)) {
    throw UserError(one_line(db_->name() + ": " + action + ": unknown status '" + status + "'"));
  }
  db_->write(action, [&] {
    Statement update(db_->get(), "UPDATE runs SET status = ?2, error = ?3 WHERE reference = ?1");
    update.bind(1, reference).bind(2, status).bind(3, error).run();
    if (sqlite3_changes(db_->get()) == 0) db_->no_run(reference);
  });
}

void RunStore::update_run(const StoredRun& run) {
  const std::string action = "cannot update run '" + run.reference + "'";
  if (!known_status(run.status)) {
    throw UserError(one_line(db_->name() + ": " + action + ": unknown status '" + run.status + "'"));
  }
  db_->write(action, [&] {
    // Reference, experiment, number and timestamp identify the run and were fixed by begin_run;
    // rewriting them could hand a number out twice or detach the reference from its folder.
    Statement update(
        db_->get(),
        "UPDATE runs SET git_commit = ?2, git_dirty = ?3, param_files_json = ?4, status = ?5, "
        "error = ?6, command = ?7, hostname = ?8, notes = ?9, full_store = ?10, reproduce = ?11, "
        "environment_json = ?12 WHERE reference = ?1");
    update.bind(1, run.reference)
        .bind(2, run.git_commit)
        .bind(3, run.git_dirty)
        .bind(4, run.param_files_json)
        .bind(5, run.status)
        .bind(6, run.error)
        .bind(7, run.command)
        .bind(8, run.hostname)
        .bind(9, run.notes)
        .bind(10, run.full_store)
        .bind(11, run.reproduce)
        .bind(12, run.environment_json)
        .run();
    if (sqlite3_changes(db_->get()) == 0) db_->no_run(run.reference);
  });
}

std::optional<StoredRun> RunStore::run(const std::string& reference) const {
  return db_->guarded("cannot read run '" + reference + "'", [&]() -> std::optional<StoredRun> {
    Statement query(db_->get(), std::string(kSelectRun) + " WHERE reference = ?1");
    query.bind(1, reference);
    if (!query.step()) return std::nullopt;
    return read_run(query);
  });
}

std::vector<StoredRun> RunStore::runs(const std::string& experiment) const {
  return db_->guarded("cannot list runs", [&] {
    // rowid last: runs begun within the same second by different experiments keep the order
    // in which they were begun.
    Statement query(db_->get(), std::string(kSelectRun) +
                                    " WHERE ?1 = '' OR experiment = ?1 ORDER BY timestamp DESC, number DESC, "
                                    "rowid DESC");
    query.bind(1, experiment);
    std::vector<StoredRun> found;
    while (query.step()) found.push_back(read_run(query));
    return found;
  });
}

void RunStore::register_params(const RegisteredParams& params) {
  db_->write("cannot register parameter set '" + params.hash + "'", [&] {
    // The first registration wins: the hash names the values, so a later set with the same
    // hash is the same set, and the stored one may already be quoted by earlier runs.
    // ON CONFLICT (hash) rather than OR IGNORE, so only that case is ignored.
    Statement insert(
        db_->get(),
        "INSERT INTO params (hash, name, json) VALUES (?1, ?2, ?3) ON CONFLICT (hash) DO NOTHING");
    insert.bind(1, params.hash).bind(2, params.name).bind(3, params.json).run();
  });
}

std::vector<RegisteredParams> RunStore::find_params(const std::string& prefix) const {
  return db_->guarded("cannot search parameter sets", [&] {
    // A range on the key instead of LIKE: no wildcard to escape, case-sensitive, and it uses
    // the primary key's index.
    Statement query(db_->get(),
                    "SELECT hash, name, json FROM params WHERE hash >= ?1 AND (?2 IS NULL OR hash < ?2) "
                    "ORDER BY hash");
    query.bind(1, prefix);
    if (const auto end = prefix_end(prefix)) {
      query.bind(2, *end);
    } else {
      query.bind_null(2);
    }
    std::vector<RegisteredParams> found;
    while (query.step()) found.push_back({query.text(0), query.text(1), query.text(2)});
    return found;
  });
}

void RunStore::record_artifacts(const std::string& reference, const std::vector<StoredArtifact>& artifacts) {
  db_->write("cannot record the artifacts of run '" + reference + "'", [&] {
    // Checked here rather than left to the foreign key, whose message would not name the run.
    if (!run_exists(db_->get(), reference)) db_->no_run(reference);
    Statement insert(db_->get(),
                     "INSERT INTO artifacts (reference, path, stage, record, artifact, produced) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& artifact : artifacts) {
      insert.bind(1, reference)
          .bind(2, artifact.path)
          .bind(3, artifact.stage)
          .bind(4, static_cast<std::int64_t>(artifact.record))
          .bind(5, artifact.artifact)
          .bind(6, artifact.produced)
          .run();
      insert.reset();
    }
  });
}

std::vector<StoredArtifact> RunStore::artifacts(const std::string& reference) const {
  return db_->guarded("cannot read the artifacts of run '" + reference + "'", [&] {
    if (!run_exists(db_->get(), reference)) db_->no_run(reference);
    Statement query(db_->get(),
                    "SELECT path, stage, record, artifact, produced FROM artifacts WHERE reference = ?1 "
                    "ORDER BY rowid");
    query.bind(1, reference);
    std::vector<StoredArtifact> found;
    while (query.step()) {
      found.push_back({query.text(0), query.text(1), static_cast<std::size_t>(query.integer(2)),
                       query.text(3), query.integer(4) != 0});
    }
    return found;
  });
}

std::string RunStore::integrity_check() const {
  return db_->guarded("cannot check integrity", [&] {
    Statement query(db_->get(), "PRAGMA integrity_check");
    std::string report;
    while (query.step()) {
      if (!report.empty()) report += '\n';
      report += query.text(0);
    }
    return report;
  });
}

}  // namespace cf::host
