// One run of an experiment as the plugin sees the host: what its cf_host_api callbacks reach
// (engine/host_api_adapter). It builds the stage graph as run() declares records and stages,
// takes each call's decision from engine/stage_decisions, saves outputs through the cache and
// serves loads, for the map pass and the real pass; stage declarations are decoded by
// engine/stage_call_decoding and reportables kept by engine/stage_reportables.
#pragma once

#include "cache/artifact_cache.hpp"
#include "cache/file_lock.hpp"
#include "engine/host_api_adapter.hpp"
#include "engine/run_info.hpp"
#include "engine/share_plan.hpp"
#include "engine/stage_decisions.hpp"
#include "engine/stage_graph.hpp"
#include "engine/stage_reportables.hpp"
#include "params/hash_ledger.hpp"
#include "report_model.hpp"

#include <curifactory/abi.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cf::host {

struct SessionSettings {
  bool dag = true;
  bool dry = false;        // write nothing at all
  bool dry_cache = false;  // read the cache, write none
  bool lazy_all = false;   // --lazy
  bool ignore_lazy = false;
  OverwriteRules overwrite;
  // This process is one share of a --parallel or Slurm run (--share-plan): it computes only the
  // stage calls a share may (share_may_compute) that the run's plan executes, under the run's name.
  std::optional<SharePlan> share;
  HashLedger handed_out;  // the selected sets' hashes, which the sets run() receives carry
};

using LogFunction = std::function<void(cf_log_level, std::string_view)>;

// What the run around a session wants to hear about executing stages: progress for the
// supervisor, the log's "[set name]" context, timing.
struct SessionHooks {
  // A stage is about to execute: called before its "executing" line, so whoever watches from
  // outside (the supervisor) knows which stage ran by the time anything says it did.
  std::function<void(const std::string& where)> stage_starting;
  // It executes now: after the line (the log's context for what the stage logs starts here).
  std::function<void(const std::string& where, const std::string& set_name)> stage_started;
  std::function<void(const std::string& where, double seconds, bool failed)> stage_finished;
  // For progress displays. DAG mode: the map pass's graph and what each of its stage calls will
  // do, once decided. Then every stage call of the real pass, as its action is decided, and
  // when it ends (a call that executes or loads; a skipped call has no end).
  std::function<void(const StageGraph& graph, const std::vector<StageAction>& actions)> planned;
  std::function<void(const StageNode& node, StageAction action)> stage_decided;
  std::function<void(const StageNode& node, bool failed)> stage_ended;
  // Where a stage's failure is written: the log file only, as the run reports it once on the
  // console when it ends. Without it the failure is an ERROR line of the log function.
  std::function<void(cf_log_level, std::string_view)> failure_detail;
};

// A cached output a run wrote or read, for the store and a full store's folder.
struct UsedArtifact {
  CacheLocation location;
  std::string stage;
  std::size_t record = 0;
  std::string artifact;
  bool produced = false;
};

class RunSession final : private HostCalls {
 public:
  RunSession(ArtifactCache& cache, RunInfo run, SessionSettings settings, LogFunction log,
             SessionHooks hooks = {});
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // What run() receives; it points back at this session.
  const cf_host_api* host_api() const { return &api_; }

  // A line in the run's log, as the session's own messages go.
  void log(cf_log_level level, const std::string& message) const { log_(level, message); }

  // DAG mode: the map pass declares, plan() decides, the real pass must match the map.
  void start_map_pass();
  void plan();
  void start_real_pass();
  // Throws UserError when the real pass made fewer stage calls than the map pass.
  void finish_real_pass() const;
  // The run's shares have computed their part: a stage call whose outputs they wrote for this
  // run counts as executed by them, and is loaded instead of executed again.
  void shares_finished() { shares_ran_ = true; }

  // The graph decisions are made on: the map pass's in DAG mode, else the real pass's.
  const StageGraph& graph() const { return settings_.dag ? map_graph_ : real_graph_; }
  // Per stage call of graph(): the plan's decision, settled as the real pass reached it.
  const std::vector<StageDecision>& decisions() const { return decisions_; }
  std::vector<StageAction> actions() const;
  const std::vector<Forcing>& forcing() const { return forcing_; }
  const SessionSettings& settings() const { return settings_; }
  // Of the calls that executed, those a share of this run executed (the final run loaded them).
  std::size_t executed_by_shares() const;

  // For --map and --paths: where an output is cached and whether that copy can be trusted.
  CacheLocation location(std::size_t stage, std::size_t output) const;
  CacheStatus status(std::size_t stage, std::size_t output) const;

  // Every cached output of the stage calls that executed or loaded in the real pass.
  std::vector<UsedArtifact> used_artifacts() const;
  // Every record of the real pass that has parameters, as (hash, name, set JSON).
  const StageGraph& real_graph() const { return real_graph_; }

  // What stages reported for the run's report, in the order they came (reloaded from the
  // cache for stage calls that loaded).
  const std::vector<reports::Reportable>& reportables() const { return reportables_.all(); }
  // The reportables files and image copies this run wrote or read, for a full store.
  std::vector<std::filesystem::path> reportable_files() const { return reportables_.files(real_graph_); }
  // An output's short preview: from this run's save, else from its metadata file.
  std::string preview(std::size_t stage, std::size_t output) const;

  // The first stage failure reported through stage_end, if any.
  const std::optional<std::string>& failure() const { return failure_; }

 private:
  enum class Pass { map, real };

  // HostCalls: what the plugin's callbacks reach (engine/host_api_adapter).
  void plugin_log(cf_log_level level, std::string_view message) override;
  std::size_t create_record(std::string_view params_json, std::optional<std::size_t> copy_of) override;
  std::string record_params_hash(std::size_t record) const override;
  void set_artifact(std::size_t record, std::string_view artifact) override;
  void begin_stage(std::size_t record, const cf_stage_decl& decl, cf_stage_plan& plan) override;
  void take_output(std::size_t stage, std::size_t output, std::string_view artifact) override;
  void load_output(std::size_t stage, std::size_t output, cf_sink out) override;
  std::uint64_t output_size_hint(std::size_t stage, std::size_t output) override;
  void end_stage(std::size_t stage, std::string_view failure) override;
  void add_reportable(std::size_t stage, std::string kind, std::string name, std::string group,
                      std::string payload_json) override;

  void check_same_as_map(const StageCall& call, std::size_t id) const;
  // --no-dag and a share without a plan: the decision for a call as it comes.
  StageDecision decide_now(const StageNode& node);
  // The planned decision settled against what this run and other processes wrote since (see
  // engine/stage_decisions settle); takes the call's cache lock when it is to execute.
  StageDecision settle_now(const StageNode& node, const StageDecision& planned);
  bool produced_by_this_run(const StageNode& node) const;
  // What the cache holds for the call's outputs, asked once per call (fresh: ask again).
  CallCacheState cache_state(std::size_t stage, bool fresh = false);
  bool writes_cache() const { return !settings_.dry && !settings_.dry_cache; }
  StageGraph& building() { return pass_ == Pass::map ? map_graph_ : real_graph_; }
  const StageNode& real_node(std::size_t stage) const;

  ArtifactCache& cache_;
  RunInfo run_;
  SessionSettings settings_;
  LogFunction log_;
  SessionHooks hooks_;
  cf_host_api api_{};
  std::vector<std::chrono::steady_clock::time_point> started_;  // per stage call executing

  Pass pass_ = Pass::real;
  StageGraph map_graph_;
  StageGraph real_graph_;
  std::vector<StageDecision> decisions_;               // per stage call of graph()
  std::vector<Forcing> forcing_;                       // per stage call of graph()
  std::vector<std::optional<CallCacheState>> cached_;  // per stage call of graph(), asked once
  std::vector<bool> computable_;                       // per stage call of graph(), for a share
  std::unordered_set<std::string> done_;               // share_key() of every call this run executed
  bool shares_ran_ = false;
  std::optional<std::string> failure_;
  StageReportables reportables_;
  std::map<std::pair<std::size_t, std::size_t>, std::string> previews_;  // (stage, output) -> preview
  std::map<std::size_t, std::shared_ptr<FileLock>> locks_;  // executing stage call -> its cache lock
  HashLedger hashes_;                                       // from settings, plus run()'s own hashes
};

}  // namespace cf::host
