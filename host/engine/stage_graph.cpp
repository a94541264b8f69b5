#include "engine/stage_graph.hpp"

#include "params/param_hash.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace cf::host {

const std::string& RecordEntry::hash() const {
  static const std::string none = "None";
  if (!combo_hash.empty()) return combo_hash;
  return params_hash.empty() ? none : params_hash;
}

std::string RecordEntry::describe() const {
  return "record " + std::to_string(id) + " ('" + set_name + "')";
}

bool StageNode::is_goal() const {
  return call.outputs.empty() ||
         std::find(output_used.begin(), output_used.end(), false) != output_used.end();
}

std::string describe_call(const StageCall& call, const RecordEntry& record) {
  return "stage '" + call.name + "' on " + record.describe();
}

const RecordEntry& StageGraph::record(std::size_t id) const {
  if (id >= records_.size())
    throw UserError("the experiment named record " + std::to_string(id) + ", which it never made");
  return records_[id];
}

std::size_t StageGraph::add_record(std::string set_name, std::string params_hash, std::string params_json) {
  RecordEntry entry;
  entry.id = records_.size();
  if (!set_name.empty()) entry.set_name = std::move(set_name);
  entry.params_hash = std::move(params_hash);
  entry.params_json = std::move(params_json);
  entry.hash_identifies = !entry.params_hash.empty();
  records_.push_back(std::move(entry));
  return records_.back().id;
}

std::size_t StageGraph::copy_record(std::size_t source, std::optional<RecordEntry> parameters) {
  RecordEntry copy = record(source);
  copy.id = records_.size();
  copy.copy_of = source;
  copy.input_records = {source};
  if (parameters) {
    copy.set_name = parameters->set_name;
    copy.params_hash = parameters->params_hash;
    copy.params_json = parameters->params_json;
    copy.combo_hash.clear();
    copy.hash_identifies = !copy.params_hash.empty();
  }
  records_.push_back(std::move(copy));
  return records_.back().id;
}

void StageGraph::set_artifact(std::size_t id, const std::string& artifact) {
  record(id);
  records_[id].state[artifact] = std::nullopt;
}

std::size_t StageGraph::add_stage(StageCall call, std::vector<std::string>& warnings) {
  const RecordEntry& target = record(call.record);
  for (const std::size_t input_record : call.input_records) record(input_record);

  StageNode node;
  node.id = stages_.size();
  auto add_source = [&](const std::optional<ArtifactSource>& source) {
    if (source) node.sources.push_back(*source);
  };
  if (call.aggregate) {
    for (const auto& input : call.inputs) {
      for (const std::size_t id : call.input_records) {
        const RecordEntry& other = records_[id];
        const auto it = other.state.find(input);
        if (it == other.state.end()) {
          warnings.push_back(describe_call(call, target) + ": " + other.describe() + " has no '" + input +
                             "'");
          continue;
        }
        add_source(it->second);
      }
    }
    // Curifactory's set_aggregate: the record now stands for the records it aggregates. As in
    // the original (add_args_combo_hash), each input record counts with its parameters' hash,
    // or 'None', even when it is an aggregate itself.
    std::vector<std::string> hashes;
    for (const std::size_t id : call.input_records)
      hashes.push_back(records_[id].params_hash.empty() ? "None" : records_[id].params_hash);
    RecordEntry& mutable_target = records_[call.record];
    mutable_target.input_records = call.input_records;
    mutable_target.combo_hash =
        aggregate_hash(target.params_hash.empty() ? "None" : target.params_hash, hashes);
    mutable_target.hash_identifies = !target.params_hash.empty() || !call.input_records.empty();
  } else {
    for (const auto& input : call.inputs) {
      const auto it = target.state.find(input);
      if (it == target.state.end()) {
        if (call.suppress_missing_inputs) continue;
        throw UserError(describe_call(call, target) + ": input '" + input +
                        "' is not in the record's state (no earlier stage on it outputs '" + input + "')");
      }
      add_source(it->second);
    }
  }

  RecordEntry& owner = records_[call.record];
  node.record_hash = owner.hash();
  node.reusable = owner.hash_identifies;
  for (const std::size_t earlier : owner.stages) node.prior_stages.push_back(stages_[earlier].call.name);
  node.output_used.assign(call.outputs.size(), false);
  for (const ArtifactSource& source : node.sources) {
    StageNode& producer = stages_[source.stage];
    producer.output_used[source.output] = true;
    if (producer.consumers.empty() || producer.consumers.back() != node.id)
      producer.consumers.push_back(node.id);
  }
  for (std::size_t i = 0; i < call.outputs.size(); ++i)
    owner.state[call.outputs[i].name] = ArtifactSource{node.id, i};
  owner.stages.push_back(node.id);
  node.call = std::move(call);
  stages_.push_back(std::move(node));
  return stages_.back().id;
}

}  // namespace cf::host
