#include "app/run_report.hpp"

#include "engine/run_session.hpp"
#include "store/run_store.hpp"

namespace cf::host {

reports::RunSummary report_summary(const StoredRun& run,
                                   const std::optional<std::filesystem::path>& log_file) {
  reports::RunSummary summary;
  summary.reference = run.reference;
  summary.experiment = run.experiment;
  summary.number = run.number;
  summary.timestamp = run.timestamp;
  summary.hostname = run.hostname;
  summary.status = run.status;
  summary.error = run.error;
  summary.git_commit = run.git_commit;
  summary.git_dirty = run.git_dirty;
  summary.param_files_json = run.param_files_json;
  summary.command = run.command;
  summary.reproduce = run.reproduce;
  summary.full_store = run.full_store;
  summary.notes = run.notes;
  summary.log_file = log_file;
  return summary;
}

reports::RunReport build_run_report(const StoredRun& run, const RunSession* session,
                                    const std::vector<RegisteredParams>& params,
                                    const std::optional<std::filesystem::path>& log_file) {
  reports::RunReport report;
  report.summary = report_summary(run, log_file);
  for (const RegisteredParams& set : params) report.params.push_back({set.name, set.hash, set.json});
  if (session == nullptr) return report;

  report.reportables = session->reportables();
  const StageGraph& graph = session->real_graph();
  for (const RecordEntry& record : graph.records()) {
    report.records.push_back({record.id, record.set_name, record.hash(), record.input_records});
  }
  const auto& decisions = session->decisions();
  for (const StageNode& node : graph.stages()) {
    reports::StageView view;
    view.id = node.id;
    view.record = node.call.record;
    view.name = node.call.name;
    view.action = node.id < decisions.size() ? action_name(decisions[node.id].action) : "execute";
    view.inputs = node.call.inputs;
    for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
      const OutputSpec& spec = node.call.outputs[i];
      reports::OutputView output{spec.name, spec.cacher, "", ""};
      if (!spec.cacher.empty()) {
        output.path = session->location(node.id, i).data.string();
        output.preview = session->preview(node.id, i);
      }
      view.outputs.push_back(std::move(output));
    }
    for (const ArtifactSource& source : node.sources) {
      view.sources.push_back({source.stage, graph.stages()[source.stage].call.outputs[source.output].name});
    }
    report.stages.push_back(std::move(view));
  }
  return report;
}

}  // namespace cf::host
