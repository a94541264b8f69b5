#include "app/run_notebook.hpp"

#include "app/prepared_run.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "export/notebook.hpp"
#include "store/run_store.hpp"
#include "util/error.hpp"

#include <map>

namespace cf::host {
namespace {

std::vector<NotebookParamFile> param_files(const std::vector<SelectedSet>& sets) {
  std::vector<NotebookParamFile> files;
  for (const SelectedSet& set : sets) {
    if (files.empty() || files.back().file != set.params_file) files.push_back({set.params_file, {}});
    files.back().sets.emplace_back(set.name, set.hash);
  }
  return files;
}

// Per record of the real pass: its parameters, the outputs of its stage calls that executed or
// loaded (the artifacts a full store copies), and the calls that were skipped.
std::vector<NotebookRecord> notebook_records(const RunSession& session, const std::filesystem::path& cache) {
  const StageGraph& graph = session.real_graph();
  std::vector<NotebookRecord> records;
  std::map<std::size_t, std::size_t> position;  // record id -> index in `records`
  for (const RecordEntry& entry : graph.records()) {
    NotebookRecord record;
    record.index = entry.id;
    record.set_name = entry.set_name;
    record.params_hash = entry.params_hash;
    record.record_hash = entry.hash();
    record.params_json = entry.params_json;
    record.copy_of = entry.copy_of;
    record.input_records = entry.input_records;
    position[entry.id] = records.size();
    records.push_back(std::move(record));
  }
  const auto actions = session.actions();
  for (const StageNode& node : graph.stages()) {
    const auto at = position.find(node.call.record);
    if (at == position.end()) continue;
    NotebookRecord& record = records[at->second];
    const bool skipped = node.id >= actions.size() || actions[node.id] == StageAction::skip;
    if (skipped) {
      record.skipped_stages.push_back(node.call.name);
      continue;
    }
    const bool produced = actions[node.id] == StageAction::execute && !session.settings().dry_cache;
    for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
      const OutputSpec& output = node.call.outputs[i];
      if (output.cacher.empty()) continue;
      NotebookArtifact artifact;
      artifact.name = output.name;
      artifact.stage = node.call.name;
      artifact.cacher = output.cacher;
      artifact.file = session.location(node.id, i).data.lexically_relative(cache);
      artifact.produced = produced;
      record.artifacts.push_back(std::move(artifact));
    }
  }
  // A record nothing was done on and that has no parameters tells the reader nothing.
  std::erase_if(records, [](const NotebookRecord& record) {
    return record.params_json.empty() && record.artifacts.empty() && record.skipped_stages.empty();
  });
  return records;
}

}  // namespace

void write_run_notebook(const PreparedRun& run, const StoredRun& stored, const RunSession& session,
                        RunLog& log) {
  try {
    NotebookRun notebook;
    notebook.experiment = stored.experiment;
    notebook.number = stored.number;
    notebook.reference = stored.reference;
    notebook.timestamp = stored.timestamp;
    notebook.status = stored.status;
    notebook.error = stored.error;
    notebook.git_commit = stored.git_commit;
    notebook.git_dirty = stored.git_dirty;
    notebook.command = stored.command;
    notebook.reproduce = stored.reproduce;
    notebook.notes = stored.notes;
    notebook.param_files = param_files(run.sets);
    notebook.shared_cache = !run.options.store_full;
    const std::filesystem::path cache = std::filesystem::absolute(run.cache_folder).lexically_normal();
    notebook.artifacts_folder =
        notebook.shared_cache
            ? cache
            : std::filesystem::absolute(run.config.runs_path / stored.reference / "artifacts")
                  .lexically_normal();
    const auto path = std::filesystem::absolute(notebook_path(run.config.notebooks_path, stored.reference));
    notebook.artifacts_relative =
        notebook.artifacts_folder.lexically_relative(path.parent_path().lexically_normal());
    if (notebook.artifacts_relative.empty()) notebook.artifacts_relative = notebook.artifacts_folder;
    // Paths relative to the cache hold for a full store too: it copies the cache's layout.
    notebook.records = notebook_records(session, cache);
    write_notebook(path, notebook);
    log.log(CF_LOG_INFO, "notebook: " + display_path(path));
  } catch (const std::exception& e) {
    log.log(CF_LOG_WARNING, std::string("the notebook could not be written: ") + e.what());
  }
}

}  // namespace cf::host
