// The run store: an embedded SQLite database (WAL, busy timeout) that numbers runs per
// experiment, keeps each run's facts and status, the parameter registry (hash -> set), and the
// artifacts each run produced or reused. Several processes (concurrent runs, parallel children)
// share it safely; a run number is never handed out twice.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cf::host {

struct Config;

struct StoredRun {
  std::string reference;  // <experiment>_<number>_<YYYY-MM-DD-THHMMSS>
  std::string experiment;
  int number = 0;
  std::string timestamp;   // ISO 8601 local time, to the second
  std::string git_commit;  // GitState::commit: a hex id, "not a git repository", or empty
  bool git_dirty = false;
  std::string param_files_json;       // [{"file": "<-p name>", "sets": [["<name>", "<hash>"], ...]}, ...]
  std::string status = "incomplete";  // incomplete | complete | error | interrupted
  std::string error;                  // the message for status error
  std::string command;
  std::string hostname;
  std::string notes;
  bool full_store = false;
  std::string reproduce;  // for a full store: the command that reproduces the run from its folder
  std::string environment_json;
  std::int64_t pid = 0;  // the process recording the run (on `hostname`), 0 when unknown
};

struct RegisteredParams {
  std::string hash;
  std::string name;
  std::string json;  // the complete set as the run used it
};

struct StoredArtifact {
  std::string path;  // the cache file, as the run wrote or read it
  std::string stage;
  std::size_t record = 0;
  std::string artifact;
  bool produced = false;  // written by this run (else reused from the cache)
};

class RunStore {
 public:
  // <manager_cache_path>/store.db
  static std::filesystem::path default_path(const Config& config);

  // Opens or creates the database (and its folder). Throws UserError naming the file when it is
  // not a store, is corrupt, or has a schema version newer than this host understands.
  explicit RunStore(const std::filesystem::path& file);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  // Numbers the run (one more than the experiment's highest, in one write transaction so two
  // processes never get the same number), fills `number` and `reference` from `timestamp`, and
  // stores it with status incomplete.
  StoredRun begin_run(StoredRun run);
  // Sets status (complete, error or interrupted) and the error message.
  void finish_run(const std::string& reference, const std::string& status, const std::string& error);
  // Replaces the stored facts of an existing run (notes, reproduce line, environment...).
  void update_run(const StoredRun& run);

  std::optional<StoredRun> run(const std::string& reference) const;
  // Newest first; all experiments when `experiment` is empty.
  std::vector<StoredRun> runs(const std::string& experiment = "") const;

  void register_params(const RegisteredParams& params);
  // Registry entries whose hash starts with `prefix`, sorted by hash.
  std::vector<RegisteredParams> find_params(const std::string& prefix) const;

  void record_artifacts(const std::string& reference, const std::vector<StoredArtifact>& artifacts);
  std::vector<StoredArtifact> artifacts(const std::string& reference) const;

  // "ok", or SQLite's description of what is wrong.
  std::string integrity_check() const;

 private:
  struct Database;
  std::unique_ptr<Database> db_;
  std::filesystem::path file_;
};

}  // namespace cf::host
