#include "engine/run_passes.hpp"

#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <set>

namespace cf::host {
namespace {

// A misspelt --overwrite-stage would otherwise silently overwrite nothing.
void check_overwrite_stages(const StageGraph& graph, const OverwriteRules& rules) {
  std::set<std::string> known;
  for (const StageNode& node : graph.stages()) known.insert(node.call.name);
  for (const auto& name : rules.stages) {
    if (known.contains(name)) continue;
    std::string list;
    for (const auto& stage : known) list += (list.empty() ? "" : ", ") + stage;
    throw UserError(
        "--overwrite-stage '" + name +
        "': the experiment calls no stage of that name (its stages: " + (list.empty() ? "none" : list) + ")");
  }
}

// Calls run(); its failure text, or nothing.
std::optional<std::string> call_run(const RunnableExperiment& experiment, RunSession& session) {
  StringSink error;
  if (experiment.api.run(session.host_api(), cf_str{experiment.sets_json.data(), experiment.sets_json.size()},
                         error.sink()) == CF_OK) {
    return std::nullopt;
  }
  return error.text;
}

std::string failed(const RunnableExperiment& experiment, const char* pass, const std::string& why) {
  return "experiment '" + experiment.name + "' failed" + pass + ": " + why;
}

}  // namespace

std::optional<std::string> run_map_pass(const RunnableExperiment& experiment, RunSession& session) {
  session.start_map_pass();
  if (auto error = call_run(experiment, session)) return failed(experiment, " during the map pass", *error);
  check_overwrite_stages(session.graph(), session.settings().overwrite);
  session.plan();
  return std::nullopt;
}

PassOutcome run_passes(const RunnableExperiment& experiment, RunSession& session, ArtifactCache& cache,
                       const BeforeRealPass& before_real_pass) {
  const bool dag = session.settings().dag;
  if (dag) {
    if (auto error = run_map_pass(experiment, session)) return {false, *error};
  }
  if (before_real_pass) {
    if (auto error = before_real_pass()) return {false, *error};
  }
  session.start_real_pass();
  const auto error = call_run(experiment, session);
  // Outputs saved before a failure stay cached: wait for them either way.
  cache.finish();
  if (error) return {false, failed(experiment, "", *error)};
  session.finish_real_pass();
  if (!dag) {
    // Without a map pass the stages are known only now; the run itself went fine.
    try {
      check_overwrite_stages(session.graph(), session.settings().overwrite);
    } catch (const UserError& e) {
      session.log(CF_LOG_WARNING, e.what());
    }
  }
  return {};
}

std::string run_summary(const RunSession& session) {
  std::size_t counts[3] = {0, 0, 0};
  for (const StageAction action : session.actions()) ++counts[static_cast<int>(action)];
  const std::size_t by_shares = session.executed_by_shares();
  return "run complete: " + std::to_string(counts[0]) + " stage calls executed" +
         (by_shares > 0 ? " (" + std::to_string(by_shares) + " of them by the run's shares)"
                        : std::string()) +
         ", " + std::to_string(counts[1]) + " loaded from cache, " + std::to_string(counts[2]) + " skipped";
}

}  // namespace cf::host
