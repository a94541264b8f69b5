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
  bool everything = false;                // --overwrite
  std::set<std::string, std::less<>> stages;  // --overwrite-stage
};

// Stage calls whose caches must not be read: --overwrite, the --overwrite-stage stages, and
// everything downstream of them (better than the original, which still loaded those).
std::vector<bool> forced_stages(const StageGraph& graph, const OverwriteRules& rules);

// Forced for one new call, given the calls before it (for --no-dag, which decides as it goes).
bool is_forced(const StageNode& node, const OverwriteRules& rules,
               const std::vector<bool>& forced_before);

// DAG mode. Goals are stages with no outputs or with an output nobody reads. Walking back from
// the goals, a stage executes when something needs it and it is forced or not fully cached; a
// needed, cached stage loads; the rest are skipped, so a cached goal runs nothing upstream.
// `is_cached(stage)` is asked only for stages that are needed and not forced.
std::vector<StageAction> plan_dag(const StageGraph& graph, const std::vector<bool>& forced,
                                  const std::function<bool(std::size_t)>& is_cached);

}  // namespace cf::host
