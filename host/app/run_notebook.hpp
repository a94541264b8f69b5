// --notebook for a finished run: the notebook model from the run's session (records, the
// artifacts each used, where they are) written to <notebooks>/experiments/<reference>.ipynb.
#pragma once

namespace cf::host {

struct PreparedRun;
struct StoredRun;
class RunSession;
class RunLog;

// Writes the run's notebook and logs where it went; a failure to write it is a warning, not a
// failed run (like the report). With --store-full it reads the full store's artifacts folder,
// which must already be written.
void write_run_notebook(const PreparedRun& run, const StoredRun& stored, const RunSession& session,
                        RunLog& log);

}  // namespace cf::host
