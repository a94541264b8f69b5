#include "engine/stage_decisions.hpp"

namespace cf::host {

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

bool is_forced(const StageNode& node, const OverwriteRules& rules, const std::vector<bool>& forced_before) {
  if (rules.everything || rules.stages.contains(node.call.name)) return true;
  for (const ArtifactSource& source : node.sources) {
    if (source.stage < forced_before.size() && forced_before[source.stage]) return true;
  }
  return false;
}

std::vector<bool> forced_stages(const StageGraph& graph, const OverwriteRules& rules) {
  std::vector<bool> forced;
  forced.reserve(graph.stages().size());
  for (const StageNode& node : graph.stages()) forced.push_back(is_forced(node, rules, forced));
  return forced;
}

std::vector<StageAction> plan_dag(const StageGraph& graph, const std::vector<bool>& forced,
                                  const std::function<bool(std::size_t)>& is_cached) {
  const auto& stages = graph.stages();
  std::vector<StageAction> actions(stages.size(), StageAction::skip);
  for (std::size_t i = stages.size(); i-- > 0;) {
    const StageNode& node = stages[i];
    bool needed = node.is_goal();
    for (const std::size_t consumer : node.consumers) {
      if (actions[consumer] == StageAction::execute) needed = true;
    }
    if (!needed) continue;
    actions[i] = forced[i] || !is_cached(i) ? StageAction::execute : StageAction::load;
  }
  return actions;
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

std::vector<StageAction> plan_share(const StageGraph& graph, const std::vector<bool>& computable,
                                    const std::function<bool(std::size_t)>& run_executes) {
  const auto& stages = graph.stages();
  std::vector<StageAction> actions(stages.size(), StageAction::skip);
  for (std::size_t i = stages.size(); i-- > 0;) {
    if (computable[i] && run_executes(i)) {
      actions[i] = StageAction::execute;
      continue;
    }
    for (const std::size_t consumer : stages[i].consumers) {
      if (actions[consumer] == StageAction::execute) actions[i] = StageAction::load;
    }
  }
  return actions;
}

}  // namespace cf::host
