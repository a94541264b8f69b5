// Which stage calls execute, load from cache, or are skipped, and why: the one place every
// decision of a run is made. DAG mode decides for the whole graph after the map pass, --no-dag
// call by call, a share of a --parallel or Slurm run by the run's plan; at the real pass a
// planned decision is settled against what was written since. Every function here is pure:
// it sees the graph, the settings and what the cache holds (through CallCacheState), so the
// run, --map, the log and the parallel final run cannot disagree.
#pragma once

#include "engine/stage_graph.hpp"

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace cf::host {

enum class StageAction { execute, load, skip };

const char* action_name(StageAction action);

// Why a stage call does what it does. `StageDecision::detail` holds what the reason names.
enum class DecisionReason {
  // execute
  no_outputs,           // a stage without outputs always runs
  uncached_output,      // detail: the output without a cacher
  record_not_reusable,  // its record's hash says nothing about its inputs
  not_cached,           // detail: the first output that is not cached
  damaged,              // detail: "<output>: <problem>"
  overwrite,            // --overwrite
  overwrite_stage,      // detail: the stage --overwrite-stage names (this one)
  overwrite_upstream,   // detail: the --overwrite-stage stage it is downstream of
  run_plan,             // a share: the run's plan executes it
  executed_by_share,    // the final run: a share executed it for this run (it is loaded)
  // load
  cached,              // detail: the run that produced it ("" when unknown)
  computed_meanwhile,  // another process wrote its outputs while this run waited
  computed_earlier,    // an earlier call of this run with the same cache identity made them
  // skip
  not_needed,      // no goal needs it
  not_this_share,  // a share: the final run or another share does it
};

struct StageDecision {
  StageAction action = StageAction::skip;
  DecisionReason reason = DecisionReason::not_needed;
  std::string detail;

  bool operator==(const StageDecision&) const = default;
};

// "output 'model' is not cached", "--overwrite-stage scale upstream", "no goal needs it".
std::string reason_text(const StageDecision& decision);

// What the cache holds for one stage call's outputs (ArtifactCache::check, asked by the caller).
struct CallCacheState {
  enum class Kind { cached, not_cached, damaged } kind = Kind::not_cached;
  std::string output;  // not_cached, damaged: the first output that is not usable
  std::string detail;  // damaged: the problem; cached: the producing run ("" when unknown)
};

struct OverwriteRules {
  bool everything = false;                    // --overwrite
  std::set<std::string, std::less<>> stages;  // --overwrite-stage
};

// Why a call must not read its cache, when it must not: --overwrite, --overwrite-stage, or
// being downstream of such a stage (better than the original, which still loaded those).
struct Forcing {
  bool forced = false;
  DecisionReason reason = DecisionReason::overwrite;
  std::string detail;
};
std::vector<Forcing> forced_stages(const StageGraph& graph, const OverwriteRules& rules);
// For one new call, given the calls before it (--no-dag, which decides as it goes).
Forcing forcing_of(const StageNode& node, const OverwriteRules& rules, const std::vector<Forcing>& before);

// What a call does when something needs it: a forced or uncacheable call executes, else the
// cache decides. `cache_state` is asked only when it matters.
StageDecision decide_needed(const StageNode& node, const Forcing& forcing,
                            const std::function<CallCacheState()>& cache_state);

// DAG mode. Goals are stages with no outputs or with an output nobody reads. Walking back from
// the goals, a needed call executes or loads (decide_needed); the rest are skipped, so a cached
// goal runs nothing upstream. `cache_state(stage)` is asked only for needed, unforced calls.
std::vector<StageDecision> plan_dag(const StageGraph& graph, const std::vector<Forcing>& forcing,
                                    const std::function<CallCacheState(std::size_t)>& cache_state);

// Shares of a --parallel or Slurm run (processes that compute part of the sets ahead of the
// final run) may compute a stage call only when what it computes depends on its own parameter
// set alone and reaches the final run through the cache: not an aggregate, on a record that
// has parameters and aggregates nothing, every output with a cacher, and every input made by
// such a call. Anything else (an aggregate over the share's records only, a stage on a record
// without parameters, a stage with no cached output) would differ from, or be done again by,
// the final run.
bool share_may_compute(const StageNode& node, const RecordEntry& record, const std::vector<bool>& before);
std::vector<bool> share_computable(const StageGraph& graph);

// A share's plan in DAG mode: it executes the calls it may compute that the whole run's plan
// executes (`run_executes`), loads what those read, and skips the rest. The whole run's plan is
// made once, before the shares start, so every share, the final run and a serial run take the
// same decisions.
std::vector<StageDecision> plan_share(const StageGraph& graph, const std::vector<bool>& computable,
                                      const std::function<bool(std::size_t)>& run_executes);

// At the real pass, what the call's planned decision becomes given what was written since.
struct SinceThePlan {
  bool written_by_this_run = false;    // every output was written by this run (a share, an earlier call)
  bool first_of_its_identity = false;  // ... and no earlier call of this run had its cache identity
  bool written_meanwhile = false;      // not by this run, but every output is there now (another process)
  bool in_a_share = false;             // this process is a share of a run
  bool dag = true;
  bool forced = false;
};
StageDecision settle(const StageDecision& planned, const SinceThePlan& since);

}  // namespace cf::host
