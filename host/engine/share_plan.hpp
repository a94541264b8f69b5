// What a --parallel or Slurm run hands each of its shares (the processes that compute part of
// its sets ahead of the final run), in a small JSON file in the logs folder: the run's identity,
// so every artifact a share writes names the run it belongs to and the final run knows it as
// its own, and, in DAG mode, which stage calls the run's one plan executes. A share executes
// only those (see plan_share), so the cache, the decisions and the report of a parallel run are
// a serial run's.
#pragma once

#include "engine/run_info.hpp"
#include "engine/stage_decisions.hpp"
#include "engine/stage_graph.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cf::host {

struct SharePlan {
  RunInfo run;  // the whole run's identity (its hostname is not used: a share names its own)
  // DAG mode: share_key() of every stage call the run's plan executes -> whether it is forced
  // (--overwrite, --overwrite-stage). Unset with --no-dag, where each share decides call by call.
  std::optional<std::unordered_map<std::string, bool>> executes;
};

// How stage calls are told apart across processes: their cache identity.
std::string share_key(const std::string& record_hash, const std::string& stage);

// The plan of a run about to start its shares: `decisions` and `forcing` per stage call of `graph`
// (the map pass's), or nothing but the run's identity without a map pass.
SharePlan make_share_plan(const RunInfo& run, const StageGraph* graph,
                          const std::vector<StageDecision>& decisions, const std::vector<Forcing>& forcing);

void write_share_plan(const std::filesystem::path& file, const SharePlan& plan);
// Throws UserError naming the file (and --share-plan) when it is missing or malformed.
SharePlan read_share_plan(const std::filesystem::path& file);

}  // namespace cf::host
