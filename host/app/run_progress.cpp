#include "app/run_progress.hpp"

#include "cli/options.hpp"

#include <unistd.h>

#include <set>

namespace cf::host {
namespace {

std::string record_label(const RecordEntry& record) {
  return "#" + std::to_string(record.id) + " " + record.set_name;
}

}  // namespace

RunProgress::RunProgress(const RunOptions& options, int console_fd) {
  if (!options.progress) return;
  if (options.no_dag) {
    unavailable_ = true;
    return;
  }
  // --map and --paths stop after the map pass: nothing to show progress of.
  if (options.map || options.paths || ::isatty(console_fd) != 1) return;
  display_ = std::make_shared<ProgressDisplay>(console_fd, ::isatty(STDOUT_FILENO) == 1);
}

RunProgress::~RunProgress() {
  finish();
}

LogSettings RunProgress::console(LogSettings settings) const {
  if (display_) settings.overlay = display_;
  return settings;
}

void RunProgress::attach(SessionHooks& hooks, RunLog& log) {
  if (unavailable_) {
    log.log(CF_LOG_WARNING,
            "--progress: progress bars are not available with --no-dag (they need the map pass's stage "
            "counts)");
  }
  if (!display_) return;
  // The hooks run in this process while the session lives, which this object outlives.
  hooks.planned = [this](const StageGraph& graph, const std::vector<StageAction>&) { planned(graph); };
  auto loading = std::make_shared<std::set<std::size_t>>();  // stage calls loading now
  hooks.stage_decided = [this, loading](const StageNode& node, StageAction action) {
    if (node.call.record >= row_of_record_.size()) return;
    const std::size_t row = row_of_record_[node.call.record];
    switch (action) {
      case StageAction::execute:
        display_->stage_started(row, node.call.name, false);
        break;
      case StageAction::load:
        loading->insert(node.id);
        display_->stage_started(row, node.call.name + " (loading)", true);
        break;
      case StageAction::skip:
        display_->stage_done(row, false, true);
        break;
    }
  };
  hooks.stage_ended = [this, loading](const StageNode& node, bool failed) {
    if (node.call.record >= row_of_record_.size()) return;
    const bool quick = loading->erase(node.id) > 0 && !failed;
    display_->stage_done(row_of_record_[node.call.record], failed, quick);
  };
}

void RunProgress::planned(const StageGraph& graph) {
  // A row per record that has stage calls, in record order; the total is all its calls,
  // whatever they will do, so a finished run shows every record complete.
  std::vector<std::size_t> totals(graph.records().size(), 0);
  for (const StageNode& node : graph.stages()) {
    if (node.call.record < totals.size()) ++totals[node.call.record];
  }
  std::vector<ProgressRow> rows;
  row_of_record_.assign(graph.records().size(), 0);
  for (const RecordEntry& record : graph.records()) {
    if (totals[record.id] == 0) {
      row_of_record_[record.id] = static_cast<std::size_t>(-1);
      continue;
    }
    row_of_record_[record.id] = rows.size();
    ProgressRow row;
    row.label = record_label(record);
    row.total = totals[record.id];
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return;  // no stage calls: nothing to show progress of
  display_->start(std::move(rows));
}

void RunProgress::finish() {
  if (display_) display_->finish();
}

}  // namespace cf::host
