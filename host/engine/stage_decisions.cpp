#include "engine/stage_decisions.hpp"

namespace cf::host {
namespace {

StageDecision decision(StageAction action, DecisionReason reason, std::string detail = "") {
  return {action, reason, std::move(detail)};
}

}  // namespace

const char* action_name(StageAction action) {
  switch (action) {
    case StageAction::execute:
      return "execute";
    case StageAction::load:
      return "load";
    case StageAction::skip:
      return "skip";
  }
  return "?";
}

std::string reason_text(const StageDecision& decision) {
  const std::string& d = decision.detail;
  switch (decision.reason) {
    case DecisionReason::no_outputs:
      return "it has no outputs, so it always runs";
    case DecisionReason::uncached_output:
      return "output '" + d + "' has no cacher";
    case DecisionReason::record_not_reusable:
      return "its record's hash says nothing about its inputs";
    case DecisionReason::not_cached:
      return "output '" + d + "' is not cached";
    case DecisionReason::damaged:
      return "output " + d;
    case DecisionReason::overwrite:
      return "--overwrite";
    case DecisionReason::overwrite_stage:
      return "--overwrite-stage " + d;
    case DecisionReason::overwrite_upstream:
      return "--overwrite-stage " + d + " upstream";
    case DecisionReason::run_plan:
      return "the run's plan executes it";
    case DecisionReason::executed_by_share:
      return "executed by a share of this run";
    case DecisionReason::cached:
      return d.empty() ? "cached" : "cached by run " + d;
    case DecisionReason::computed_meanwhile:
      return "computed meanwhile by another process";
    case DecisionReason::computed_earlier:
      return "computed by an earlier stage call of this run";
    case DecisionReason::not_needed:
      return "no goal needs it";
    case DecisionReason::not_this_share:
      return "not this share's work";
  }
  return "?";
}

Forcing forcing_of(const StageNode& node, const OverwriteRules& rules, const std::vector<Forcing>& before) {
  if (rules.everything) return {true, DecisionReason::overwrite, ""};
  if (rules.stages.contains(node.call.name)) return {true, DecisionReason::overwrite_stage, node.call.name};
  for (const ArtifactSource& source : node.sources) {
    if (source.stage >= before.size() || !before[source.stage].forced) continue;
    const Forcing& upstream = before[source.stage];
    // Named by the stage the user gave, however far up it is.
    return {true, DecisionReason::overwrite_upstream, upstream.detail};
  }
  return {};
}

std::vector<Forcing> forced_stages(const StageGraph& graph, const OverwriteRules& rules) {
  std::vector<Forcing> forced;
  forced.reserve(graph.stages().size());
  for (const StageNode& node : graph.stages()) forced.push_back(forcing_of(node, rules, forced));
  return forced;
}

StageDecision decide_needed(const StageNode& node, const Forcing& forcing,
                            const std::function<CallCacheState()>& cache_state) {
  if (forcing.forced) return decision(StageAction::execute, forcing.reason, forcing.detail);
  if (node.call.outputs.empty()) return decision(StageAction::execute, DecisionReason::no_outputs);
  for (const OutputSpec& output : node.call.outputs) {
    if (output.cacher.empty())
      return decision(StageAction::execute, DecisionReason::uncached_output, output.name);
  }
  if (!node.reusable) return decision(StageAction::execute, DecisionReason::record_not_reusable);
  const CallCacheState state = cache_state();
  switch (state.kind) {
    case CallCacheState::Kind::cached:
      return decision(StageAction::load, DecisionReason::cached, state.detail);
    case CallCacheState::Kind::damaged:
      return decision(StageAction::execute, DecisionReason::damaged,
                      "'" + state.output + "': " + state.detail);
    case CallCacheState::Kind::not_cached:
      break;
  }
  return decision(StageAction::execute, DecisionReason::not_cached, state.output);
}

std::vector<StageDecision> plan_dag(const StageGraph& graph, const std::vector<Forcing>& forcing,
                                    const std::function<CallCacheState(std::size_t)>& cache_state) {
  const auto& stages = graph.stages();
  std::vector<StageDecision> decisions(stages.size());
  for (std::size_t i = stages.size(); i-- > 0;) {
    const StageNode& node = stages[i];
    bool needed = node.is_goal();
    for (const std::size_t consumer : node.consumers) {
      if (decisions[consumer].action == StageAction::execute) needed = true;
    }
    if (!needed) continue;  // skipped: no goal needs it
    decisions[i] = decide_needed(node, forcing[i], [&] { return cache_state(i); });
  }
  return decisions;
}

bool share_may_compute(const StageNode& node, const RecordEntry& record, const std::vector<bool>& before) {
  if (node.call.aggregate || node.call.outputs.empty()) return false;
  if (record.params_hash.empty() || node.record_hash != record.params_hash) return false;
  for (const OutputSpec& output : node.call.outputs) {
    if (output.cacher.empty()) return false;
  }
  for (const ArtifactSource& source : node.sources) {
    if (source.stage >= before.size() || !before[source.stage]) return false;
  }
  return true;
}

std::vector<bool> share_computable(const StageGraph& graph) {
  std::vector<bool> computable;
  computable.reserve(graph.stages().size());
  for (const StageNode& node : graph.stages())
    computable.push_back(share_may_compute(node, graph.record(node.call.record), computable));
  return computable;
}

std::vector<StageDecision> plan_share(const StageGraph& graph, const std::vector<bool>& computable,
                                      const std::function<bool(std::size_t)>& run_executes) {
  const auto& stages = graph.stages();
  std::vector<StageDecision> decisions(stages.size(),
                                       decision(StageAction::skip, DecisionReason::not_this_share));
  for (std::size_t i = stages.size(); i-- > 0;) {
    if (computable[i] && run_executes(i)) {
      decisions[i] = decision(StageAction::execute, DecisionReason::run_plan);
      continue;
    }
    // Only what a call this share executes reads: the run's plan loads it, so it is cached.
    for (const std::size_t consumer : stages[i].consumers) {
      if (decisions[consumer].action == StageAction::execute)
        decisions[i] = decision(StageAction::load, DecisionReason::cached);
    }
  }
  return decisions;
}

StageDecision settle(const StageDecision& planned, const SinceThePlan& since) {
  if (planned.action == StageAction::skip) return planned;
  if (since.written_by_this_run) {
    // The first call of the final run with this identity is the one a serial run executes;
    // a later one loads, as a serial run's second call with the same hash does.
    const bool serial_would_execute = planned.action == StageAction::execute || !since.dag;
    if (since.first_of_its_identity && !since.in_a_share && serial_would_execute)
      return decision(StageAction::execute, DecisionReason::executed_by_share);
    return decision(StageAction::load, DecisionReason::computed_earlier);
  }
  if (planned.action == StageAction::execute && since.written_meanwhile && !since.forced)
    return decision(StageAction::load, DecisionReason::computed_meanwhile);
  return planned;
}

}  // namespace cf::host
