// Which stage calls execute, load from cache, or are skipped. DAG mode decides for the whole
// graph after the map pass; --no-dag decides call by call. Both live here so the rules sit in
// one place.
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

struct OverwriteRules {
  bool everything = false;                    // --overwrite
  std::set<std::string, std::less<>> stages;  // --overwrite-stage
};

// Stage calls whose caches must not be read: --overwrite, the --overwrite-stage stages, and
// everything downstream of them (better than the original, which still loaded those).
std::vector<bool> forced_stages(const StageGraph& graph, const OverwriteRules& rules);

// Forced for one new call, given the calls before it (for --no-dag, which decides as it goes).
bool is_forced(const StageNode& node, const OverwriteRules& rules, const std::vector<bool>& forced_before);

// DAG mode. Goals are stages with no outputs or with an output nobody reads. Walking back from
// the goals, a stage executes when something needs it and it is forced or not fully cached; a
// needed, cached stage loads; the rest are skipped, so a cached goal runs nothing upstream.
// `is_cached(stage)` is asked only for stages that are needed and not forced.
std::vector<StageAction> plan_dag(const StageGraph& graph, const std::vector<bool>& forced,
                                  const std::function<bool(std::size_t)>& is_cached);

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
// executes (`run_executes`), loads what those read, and skips the rest; the final run does
// everything else. The whole run's plan is made once, before the shares start, so every
// share, the final run and a serial run take the same decisions.
std::vector<StageAction> plan_share(const StageGraph& graph, const std::vector<bool>& computable,
                                    const std::function<bool(std::size_t)>& run_executes);

}  // namespace cf::host
