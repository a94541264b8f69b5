#include "engine/run_map.hpp"

#include "config/config.hpp"
#include "engine/run_session.hpp"

#include <set>
#include <string>

namespace cf::host {
namespace {

std::string join_ids(const std::vector<std::size_t>& ids) {
  std::string text;
  for (const std::size_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

std::string output_status(const RunSession& session, const StageNode& node, std::size_t output) {
  const OutputSpec& spec = node.call.outputs[output];
  if (spec.cacher.empty()) return "not cached (no cacher)";
  if (!node.reusable)
    return "not reused (the record's hash says nothing about its inputs, so its stages always execute)";
  const CacheStatus status = session.status(node.id, output);
  switch (status.state) {
    case CacheState::valid:
      return "cached" +
             (status.run_reference.empty() ? std::string() : " (run " + status.run_reference + ")");
    case CacheState::corrupt:
      return "corrupt: " + status.problem;
    case CacheState::missing:
      break;
  }
  return "not cached";
}

}  // namespace

void print_map(const RunSession& session, std::ostream& out) {
  const StageGraph& graph = session.graph();
  const auto& decisions = session.decisions();
  std::vector<std::vector<std::size_t>> stages_of(graph.records().size());
  for (const StageNode& node : graph.stages()) stages_of[node.call.record].push_back(node.id);

  for (const RecordEntry& record : graph.records()) {
    out << "record " << record.id << " '" << record.set_name << "' hash " << record.hash();
    if (record.copy_of) out << ", copy of record " << *record.copy_of;
    if (!record.combo_hash.empty()) {
      out << ", aggregates "
          << (record.input_records.empty() ? "no records" : "records " + join_ids(record.input_records));
    }
    out << "\n";
    for (const std::size_t id : stages_of[record.id]) {
      const StageNode& node = graph.stages()[id];
      out << "  " << node.call.name << ": " << action_name(decisions[id].action) << " ("
          << reason_text(decisions[id]) << ")\n";
      for (const auto& input : node.call.inputs) {
        out << "    input " << input;
        if (node.call.aggregate) out << " (from records " << join_ids(node.call.input_records) << ")";
        out << "\n";
      }
      for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
        const OutputSpec& spec = node.call.outputs[i];
        out << "    output " << spec.name;
        if (!spec.cacher.empty()) out << " [" << spec.cacher << (spec.lazy ? ", lazy" : "") << "]";
        out << ": " << output_status(session, node, i) << "\n";
      }
    }
  }

  std::size_t executing = 0;
  std::string list;
  for (const StageNode& node : graph.stages()) {
    if (decisions[node.id].action != StageAction::execute) continue;
    ++executing;
    list += "\n  " + node.call.name + " on record " + std::to_string(node.call.record);
  }
  out << "\n"
      << executing << " of " << graph.stages().size() << " stage calls would execute"
      << (list.empty() ? "" : ":") << list << "\n";
}

void print_paths(const RunSession& session, std::ostream& out) {
  std::set<std::string> printed;
  for (const StageNode& node : session.graph().stages()) {
    for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
      if (node.call.outputs[i].cacher.empty()) continue;
      const CacheLocation location = session.location(node.id, i);
      for (const auto& path : {location.data, location.metadata}) {
        if (printed.insert(path.string()).second) out << display_path(path) << "\n";
      }
    }
  }
}

}  // namespace cf::host
