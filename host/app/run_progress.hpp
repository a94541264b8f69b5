// --progress for one run: a ProgressDisplay fed by the session's hooks (the map pass gives each
// record its stage total, the real pass advances it), with the run's console log lines passed
// above the bars. On anything but a terminal it draws nothing, so piped output stays plain.
#pragma once

#include "engine/run_session.hpp"
#include "log/progress_display.hpp"
#include "log/run_log.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace cf::host {

struct RunOptions;

class RunProgress {
 public:
  // Draws on `console_fd` when --progress is given, the run is in DAG mode, and the fd is a
  // terminal; otherwise does nothing (with --no-dag, attach() says why there are no bars).
  RunProgress(const RunOptions& options, int console_fd);
  ~RunProgress();
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  // `settings` with the bars as overlay, so console lines print above them.
  LogSettings console(LogSettings settings) const;
  // Adds the progress hooks; logs the notice when --progress cannot work (--no-dag).
  void attach(SessionHooks& hooks, RunLog& log);
  // Draws the final state and leaves it on screen: what the run prints afterwards goes below.
  void finish();

 private:
  void planned(const StageGraph& graph);

  std::shared_ptr<ProgressDisplay> display_;  // null when no bars are drawn
  bool unavailable_ = false;                  // --progress with --no-dag
  std::vector<std::size_t> row_of_record_;    // record id -> display row
};

}  // namespace cf::host
