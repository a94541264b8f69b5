#include "store/run_store.hpp"

#include "config/config.hpp"
#include "support/error_of.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::contains;
using test::error_of;
using test::ScratchFolder;

StoredRun new_run(const std::string& experiment, const std::string& timestamp = "2024-03-05T14:07:09") {
  StoredRun run;
  run.experiment = experiment;
  run.timestamp = timestamp;
  run.command = "experiment " + experiment;
  return run;
}

std::vector<int> numbers_of(const std::vector<StoredRun>& runs) {
  std::vector<int> numbers;
  for (const auto& run : runs) numbers.push_back(run.number);
  return numbers;
}

std::vector<std::string> references_of(const std::vector<StoredRun>& runs) {
  std::vector<std::string> references;
  for (const auto& run : runs) references.push_back(run.reference);
  return references;
}

std::vector<std::string> hashes_of(const std::vector<RegisteredParams>& params) {
  std::vector<std::string> hashes;
  for (const auto& entry : params) hashes.push_back(entry.hash);
  return hashes;
}

// Raw access for the tests that tamper with a store behind its back.
struct RawDatabase {
  explicit RawDatabase(const std::filesystem::path& file) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) throw std::runtime_error("cannot open " + file.string());
  }
  void execute(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message != nullptr ? message : "unknown";
      sqlite3_free(message);
      throw std::runtime_error(sql + ": " + text);
    }
  }
  struct Close {
    void operator()(sqlite3* connection) const { sqlite3_close_v2(connection); }
  };
  std::unique_ptr<sqlite3, Close> db;
};

class RunStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path file() const { return scratch_.path() / "manager" / "store.db"; }
  ScratchFolder scratch_;
};

TEST(RunStore, DefaultPathIsInTheManagerCacheAndItsFolderIsCreated) {
  const ScratchFolder scratch;
  Config config;
  config.manager_cache_path = scratch.path() / "data" / "deeper";
  const auto path = RunStore::default_path(config);
  EXPECT_EQ(path, scratch.path() / "data" / "deeper" / "store.db");
  RunStore store(path);
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, NumbersRunsPerExperiment) {
  RunStore store(file());
  EXPECT_EQ(store.begin_run(new_run("a")).number, 1);
  EXPECT_EQ(store.begin_run(new_run("a")).number, 2);
  EXPECT_EQ(store.begin_run(new_run("b")).number, 1);
  EXPECT_EQ(store.begin_run(new_run("a")).number, 3);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, NumberingContinuesAfterReopening) {
  {
    RunStore store(file());
    store.begin_run(new_run("a"));
    store.begin_run(new_run("a"));
  }
  RunStore store(file());
  EXPECT_EQ(store.begin_run(new_run("a")).number, 3);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, ReferencesAreExperimentNumberAndCompactTimestamp) {
  RunStore store(file());
  EXPECT_EQ(store.begin_run(new_run("subexp.example", "2024-03-05T14:07:09")).reference,
            "subexp.example_1_2024-03-05-T140709");
  EXPECT_EQ(store.begin_run(new_run("subexp.example", "1999-12-31T23:59:59")).reference,
            "subexp.example_2_1999-12-31-T235959");
  EXPECT_EQ(store.begin_run(new_run("under_score", "2024-01-02T03:04:05")).reference,
            "under_score_1_2024-01-02-T030405");
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, MalformedTimestampIsRefusedBeforeNumbering) {
  RunStore store(file());
  for (const std::string timestamp :
       {"2024-03-05 14:07:09", "2024-03-05T14:07", "2024-03-05T14:07:09.5", "", "2024-03-05T14:07:0x"}) {
    const std::string error = error_of([&] { store.begin_run(new_run("a", timestamp)); });
    EXPECT_TRUE(contains(error, "store.db: cannot begin a run of experiment 'a': timestamp '" + timestamp +
                                    "' is not YYYY-MM-DDTHH:MM:SS"))
        << error;
  }
  EXPECT_TRUE(store.runs().empty());
  EXPECT_EQ(store.begin_run(new_run("a")).number, 1);
}

TEST_F(RunStoreTest, BeginRunStoresStatusIncomplete) {
  RunStore store(file());
  StoredRun run = new_run("a");
  run.status = "complete";
  run.error = "stale";
  run.number = 42;
  run.reference = "ignored";
  const StoredRun begun = store.begin_run(run);
  EXPECT_EQ(begun.status, "incomplete");
  EXPECT_EQ(begun.error, "");
  EXPECT_EQ(begun.number, 1);
  const auto stored = store.run(begun.reference);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, "incomplete");
  EXPECT_EQ(stored->error, "");
  EXPECT_FALSE(store.run("ignored"));
}

StoredRun every_field_set() {
  StoredRun run;
  run.experiment = "exp.ériment";
  run.timestamp = "2023-11-30T08:09:10";
  run.git_commit = "0123456789abcdef0123456789abcdef01234567";
  run.git_dirty = true;
  run.param_files_json = R"([{"file": "params", "sets": [["base", "a8a97ac6322ee2448f22f7d168a4c154"]]}])";
  run.command = "experiment exp.ériment -p params --notes 'it''s; DROP TABLE runs; --'";
  run.hostname = "node-07.cluster";
  run.notes = "Première ligne ✓ 日本語\nsecond line with 'quotes' and \"double\"\n\ttabbed; -- not SQL\n";
  run.full_store = true;
  run.reproduce = "experiment exp.ériment --cache data/runs/x/artifacts --dry-cache";
  run.environment_json = R"({"os": {"sysname": "Linux"}, "libraries": {"sqlite": "3"}})";
  return run;
}

void expect_same_facts(const StoredRun& actual, const StoredRun& expected) {
  EXPECT_EQ(actual.reference, expected.reference);
  EXPECT_EQ(actual.experiment, expected.experiment);
  EXPECT_EQ(actual.number, expected.number);
  EXPECT_EQ(actual.timestamp, expected.timestamp);
  EXPECT_EQ(actual.git_commit, expected.git_commit);
  EXPECT_EQ(actual.git_dirty, expected.git_dirty);
  EXPECT_EQ(actual.param_files_json, expected.param_files_json);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.error, expected.error);
  EXPECT_EQ(actual.command, expected.command);
  EXPECT_EQ(actual.hostname, expected.hostname);
  EXPECT_EQ(actual.notes, expected.notes);
  EXPECT_EQ(actual.full_store, expected.full_store);
  EXPECT_EQ(actual.reproduce, expected.reproduce);
  EXPECT_EQ(actual.environment_json, expected.environment_json);
}

TEST_F(RunStoreTest, EveryFieldRoundTripsThroughTheFile) {
  StoredRun begun;
  {
    RunStore store(file());
    begun = store.begin_run(every_field_set());
  }
  StoredRun expected = every_field_set();
  expected.number = 1;
  expected.reference = "exp.ériment_1_2023-11-30-T080910";
  expect_same_facts(begun, expected);

  RunStore reopened(file());
  const auto stored = reopened.run(expected.reference);
  ASSERT_TRUE(stored);
  expect_same_facts(*stored, expected);
  EXPECT_EQ(reopened.integrity_check(), "ok");
}

TEST_F(RunStoreTest, FalseFlagsAndEmptyTextsRoundTrip) {
  RunStore store(file());
  const StoredRun begun = store.begin_run(new_run("a"));
  const auto stored = store.run(begun.reference);
  ASSERT_TRUE(stored);
  expect_same_facts(*stored, begun);
  EXPECT_FALSE(stored->git_dirty);
  EXPECT_FALSE(stored->full_store);
  EXPECT_EQ(stored->notes, "");
}

TEST_F(RunStoreTest, UnknownRunIsAbsent) {
  RunStore store(file());
  store.begin_run(new_run("a"));
  EXPECT_FALSE(store.run("a_2_2024-03-05-T140709"));
  EXPECT_FALSE(store.run("' OR '1'='1"));
}

TEST_F(RunStoreTest, FinishRunRecordsCompletion) {
  RunStore store(file());
  const auto run = store.begin_run(new_run("a"));
  const auto other = store.begin_run(new_run("a"));
  store.finish_run(run.reference, "complete", "");
  EXPECT_EQ(store.run(run.reference)->status, "complete");
  EXPECT_EQ(store.run(run.reference)->error, "");
  EXPECT_EQ(store.run(other.reference)->status, "incomplete");
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, FinishRunRecordsAnErrorAndItsMessage) {
  RunStore store(file());
  const auto run = store.begin_run(new_run("a"));
  store.finish_run(run.reference, "error", "stage 'train' threw: out of memory\nsecond line");
  const auto stored = store.run(run.reference);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, "error");
  EXPECT_EQ(stored->error, "stage 'train' threw: out of memory\nsecond line");
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, FinishRunRefusesUnknownRunsAndStatuses) {
  RunStore store(file());
  const auto run = store.begin_run(new_run("a"));
  std::string error = error_of([&] { store.finish_run("missing_1_2024-03-05-T140709", "complete", ""); });
  EXPECT_TRUE(contains(error, "store.db: no run 'missing_1_2024-03-05-T140709'")) << error;
  error = error_of([&] { store.finish_run(run.reference, "done", ""); });
  EXPECT_TRUE(contains(error, "store.db: cannot finish run '" + run.reference + "': unknown status 'done'"))
      << error;
  EXPECT_EQ(store.run(run.reference)->status, "incomplete");
}

TEST_F(RunStoreTest, UpdateRunReplacesTheFactsButNotTheIdentity) {
  RunStore store(file());
  const auto begun = store.begin_run(new_run("a"));
  const auto neighbour = store.begin_run(new_run("a"));

  StoredRun changed = every_field_set();
  changed.reference = begun.reference;
  changed.status = "complete";
  changed.experiment = "renamed";
  changed.number = 99;
  changed.timestamp = "2000-01-01T00:00:00";
  store.update_run(changed);

  StoredRun expected = changed;
  expected.experiment = begun.experiment;
  expected.number = begun.number;
  expected.timestamp = begun.timestamp;
  const auto stored = store.run(begun.reference);
  ASSERT_TRUE(stored);
  expect_same_facts(*stored, expected);
  expect_same_facts(*store.run(neighbour.reference), neighbour);
  EXPECT_EQ(store.begin_run(new_run("a")).number, 3);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, UpdateRunRefusesAnUnknownRun) {
  RunStore store(file());
  StoredRun run = new_run("a");
  run.reference = "a_7_2024-03-05-T140709";
  const std::string error = error_of([&] { store.update_run(run); });
  EXPECT_TRUE(contains(error, "store.db: no run 'a_7_2024-03-05-T140709'")) << error;
  EXPECT_TRUE(store.runs().empty());
}

TEST_F(RunStoreTest, RunsAreNewestFirstAndFilterByExperiment) {
  RunStore store(file());
  const auto a1 = store.begin_run(new_run("a", "2024-01-01T10:00:00"));
  const auto b1 = store.begin_run(new_run("b", "2024-01-03T10:00:00"));
  const auto a2 = store.begin_run(new_run("a", "2024-01-02T10:00:00"));
  const auto a3 = store.begin_run(new_run("a", "2024-01-02T10:00:00"));  // same second as a2
  const auto c1 = store.begin_run(new_run("c", "2023-12-31T23:59:59"));

  EXPECT_EQ(references_of(store.runs()),
            (std::vector<std::string>{b1.reference, a3.reference, a2.reference, a1.reference, c1.reference}));
  EXPECT_EQ(numbers_of(store.runs("a")), (std::vector<int>{3, 2, 1}));
  EXPECT_EQ(references_of(store.runs("b")), std::vector<std::string>{b1.reference});
  EXPECT_TRUE(store.runs("nope").empty());
  EXPECT_TRUE(store.runs("' OR 1=1 --").empty());
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, FirstRegistrationOfAHashWins) {
  RunStore store(file());
  store.register_params({"abc123", "first", R"({"name": "first", "a": 1})"});
  store.register_params({"abc123", "second", R"({"name": "second", "a": 2})"});
  const auto found = store.find_params("abc123");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "first");
  EXPECT_EQ(found[0].json, R"({"name": "first", "a": 1})");
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, FindParamsByHashPrefix) {
  RunStore store(file());
  for (const std::string hash : {"1ae3169d21cc23f1665561f7e91fe266e", "a8a97ac6322ee2448f22f7d168a4c154",
                                 "a8b0000000000000000000000000000", "0", "a9"}) {
    store.register_params({hash, "set " + hash, "{}"});
  }
  EXPECT_EQ(
      hashes_of(store.find_params("")),
      (std::vector<std::string>{"0", "1ae3169d21cc23f1665561f7e91fe266e", "a8a97ac6322ee2448f22f7d168a4c154",
                                "a8b0000000000000000000000000000", "a9"}));
  EXPECT_EQ(
      hashes_of(store.find_params("a8")),
      (std::vector<std::string>{"a8a97ac6322ee2448f22f7d168a4c154", "a8b0000000000000000000000000000"}));
  EXPECT_EQ(hashes_of(store.find_params("a8a")),
            std::vector<std::string>{"a8a97ac6322ee2448f22f7d168a4c154"});
  EXPECT_EQ(hashes_of(store.find_params("a8a97ac6322ee2448f22f7d168a4c154")),
            std::vector<std::string>{"a8a97ac6322ee2448f22f7d168a4c154"});
  EXPECT_TRUE(store.find_params("a8a97ac6322ee2448f22f7d168a4c1545").empty());
  EXPECT_TRUE(store.find_params("b").empty());
  EXPECT_TRUE(store.find_params("A8").empty());  // hashes are lowercase; no case folding
  const auto entry = store.find_params("1a");
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].name, "set 1ae3169d21cc23f1665561f7e91fe266e");
}

TEST_F(RunStoreTest, FindParamsTakesWildcardsAndQuotesLiterally) {
  RunStore store(file());
  for (const std::string hash :
       {"ab%cd", "abXcd", "a_b", "axb", "q'uote", "q\"uote", "\xff\xff", "\xff\xfe"}) {
    store.register_params({hash, "n", "{}"});
  }
  EXPECT_EQ(hashes_of(store.find_params("ab%")), std::vector<std::string>{"ab%cd"});
  EXPECT_EQ(hashes_of(store.find_params("a_")), std::vector<std::string>{"a_b"});
  EXPECT_EQ(hashes_of(store.find_params("%")), std::vector<std::string>{});
  EXPECT_EQ(hashes_of(store.find_params("q'")), std::vector<std::string>{"q'uote"});
  EXPECT_TRUE(store.find_params("' OR '1'='1").empty());
  // A prefix ending in the highest byte has no upper bound of the same length.
  EXPECT_EQ(hashes_of(store.find_params("\xff")), (std::vector<std::string>{"\xff\xfe", "\xff\xff"}));
  EXPECT_EQ(hashes_of(store.find_params("\xff\xff")), std::vector<std::string>{"\xff\xff"});
  EXPECT_EQ(store.find_params("").size(), 8u);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, ArtifactsRoundTripPerRunInOrder) {
  RunStore store(file());
  const auto first = store.begin_run(new_run("a"));
  const auto second = store.begin_run(new_run("a"));
  const std::vector<StoredArtifact> written = {
      {"data/cache/a_abc_load_data.msgpack", "load", 0, "data", true},
      {"data/cache/a_abc_train_model.ñ.msgpack", "train", 3, "model", false},
      {"data/cache/a_def_report_summary.json", "report", 18446744073709551ull, "summary", true},
  };
  store.record_artifacts(first.reference, written);
  store.record_artifacts(second.reference, {{"other.bin", "x", 1, "y", false}});

  const auto read = store.artifacts(first.reference);
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(read[i].path, written[i].path);
    EXPECT_EQ(read[i].stage, written[i].stage);
    EXPECT_EQ(read[i].record, written[i].record);
    EXPECT_EQ(read[i].artifact, written[i].artifact);
    EXPECT_EQ(read[i].produced, written[i].produced);
  }
  ASSERT_EQ(store.artifacts(second.reference).size(), 1u);
  EXPECT_EQ(store.artifacts(second.reference)[0].path, "other.bin");
  EXPECT_TRUE(store.artifacts(store.begin_run(new_run("b")).reference).empty());
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, ArtifactsOfAnUnknownRunAreRefusedAndNothingIsWritten) {
  RunStore store(file());
  const std::string error = error_of([&] {
    store.record_artifacts("ghost_1_2024-03-05-T140709", {{"p", "s", 0, "a", true}});
  });
  EXPECT_TRUE(contains(error, "store.db: no run 'ghost_1_2024-03-05-T140709'")) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
  RawDatabase raw(file());
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw.db.get(), "SELECT count(*) FROM artifacts", -1, &count, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 0);
  sqlite3_finalize(count);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, StoreIsInWalMode) {
  { RunStore store(file()); }
  RawDatabase raw(file());
  sqlite3_stmt* mode = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw.db.get(), "PRAGMA journal_mode", -1, &mode, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(mode), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0))), "wal");
  sqlite3_finalize(mode);
}

// Four processes begin 25 runs each of one experiment; between them they must hand out 1..100
// exactly once. Two barriers: all open the (not yet existing) file at once, then all start
// numbering at once, so the runs really interleave rather than one process finishing first.
TEST_F(RunStoreTest, ConcurrentProcessesNeverShareANumber) {
  constexpr int kProcesses = 4;
  constexpr int kRunsEach = 25;
  int open_now[2];
  int opened[2];
  int number_now[2];
  ASSERT_EQ(::pipe(open_now), 0);
  ASSERT_EQ(::pipe(opened), 0);
  ASSERT_EQ(::pipe(number_now), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(open_now[1]);
      ::close(opened[0]);
      ::close(number_now[1]);
      char byte = 0;
      int status = 0;
      try {
        // read() returns 0 (end of file) once the parent has closed its end.
        if (::read(open_now[0], &byte, 1) < 0) ::_exit(1);
        RunStore store(file());
        if (::write(opened[1], &byte, 1) != 1) ::_exit(1);
        if (::read(number_now[0], &byte, 1) < 0) ::_exit(1);
        for (int run = 0; run < kRunsEach; ++run) {
          if (store.begin_run(new_run("shared")).number <= 0) status = 1;
        }
      } catch (...) {
        status = 1;
      }
      // _exit: the child must not run the parent's gtest teardown or static destructors.
      ::_exit(status);
    }
    children.push_back(pid);
  }
  ::close(open_now[0]);
  ::close(opened[1]);
  ::close(number_now[0]);
  ::close(open_now[1]);
  char byte = 0;
  int ready = 0;
  // Ends early (end of file) if every child has died, which the exit statuses then report.
  while (ready < kProcesses && ::read(opened[0], &byte, 1) == 1) ++ready;
  ::close(number_now[1]);
  ::close(opened[0]);
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  EXPECT_EQ(ready, kProcesses);

  RunStore store(file());
  const auto runs = store.runs("shared");
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kProcesses * kRunsEach));
  std::set<int> numbers;
  std::set<std::string> references;
  for (const auto& run : runs) {
    numbers.insert(run.number);
    references.insert(run.reference);
    EXPECT_EQ(run.reference, "shared_" + std::to_string(run.number) + "_2024-03-05-T140709");
  }
  EXPECT_EQ(numbers.size(), runs.size());
  EXPECT_EQ(references.size(), runs.size());
  EXPECT_EQ(*numbers.begin(), 1);
  EXPECT_EQ(*numbers.rbegin(), kProcesses * kRunsEach);
  EXPECT_EQ(store.begin_run(new_run("shared")).number, kProcesses * kRunsEach + 1);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, NewerSchemaVersionIsRefused) {
  { RunStore store(file()); }
  RawDatabase(file()).execute("UPDATE schema SET version = 3");
  const std::string error = error_of([&] { RunStore store(file()); });
  EXPECT_EQ(
      error,
      display_path(file()) +
          ": store schema version 3 is newer than this experiment host understands (2); update the host");
}

// A store written before runs had a pid (schema version 1) is brought up to date when opened:
// its runs keep everything, with pid 0 (unknown), and new runs record theirs.
TEST_F(RunStoreTest, VersionOneStoreGainsThePidColumn) {
  {
    RunStore store(file());
    store.begin_run(new_run("old"));
  }
  {
    RawDatabase raw(file());
    raw.execute("ALTER TABLE runs DROP COLUMN pid");
    raw.execute("UPDATE schema SET version = 1");
  }
  RunStore store(file());
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].experiment, "old");
  EXPECT_EQ(runs[0].pid, 0);
  StoredRun next = new_run("old");
  next.pid = 4242;
  EXPECT_EQ(store.run(store.begin_run(next).reference)->pid, 4242);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, InterruptedIsAStatus) {
  RunStore store(file());
  const StoredRun run = store.begin_run(new_run("stopped"));
  store.finish_run(run.reference, "interrupted", "experiment 'stopped' stopped by SIGINT (Ctrl-C)");
  EXPECT_EQ(store.run(run.reference)->status, "interrupted");
}

TEST_F(RunStoreTest, NonDatabaseFileIsRefusedAndLeftAlone) {
  const std::string text = "this is a text file, not a database\n" + std::string(4096, 'x');
  const auto path = scratch_.write("manager/store.db", text);
  const std::string error = error_of([&] { RunStore store(path); });
  EXPECT_EQ(error, display_path(path) + ": not a run store (file is not a database)");
  EXPECT_EQ(std::filesystem::file_size(path), text.size());
}

TEST_F(RunStoreTest, OtherSqliteDatabaseIsRefused) {
  std::filesystem::create_directories(file().parent_path());
  RawDatabase(file()).execute("CREATE TABLE runs (id INTEGER)");
  const std::string error = error_of([&] { RunStore store(file()); });
  EXPECT_EQ(error, display_path(file()) + ": not a run store (a database without a schema table)");
}

TEST_F(RunStoreTest, EmptyFileBecomesAStore) {
  const auto path = scratch_.write("manager/store.db", "");
  RunStore store(path);
  EXPECT_EQ(store.begin_run(new_run("a")).number, 1);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunStoreTest, UnopenableFileIsAOneLineErrorNamingIt) {
  std::filesystem::create_directories(file());  // a folder where the database should be
  const std::string error = error_of([&] { RunStore store(file()); });
  EXPECT_EQ(error.rfind(display_path(file()) + ": cannot open the run store: ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace cf::host
