// The passes of one run over a session: in DAG mode the map pass, where run() only declares its
// records and stages, and the decisions; then whatever the run does before it executes (its
// shares); then the real pass. The run drivers of app/ call these and nothing else of run().
#pragma once

#include "cache/artifact_cache.hpp"
#include "engine/run_session.hpp"

#include <curifactory/abi.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

// The experiment plugin's run() with the parameter sets it receives (a JSON array).
struct RunnableExperiment {
  std::string name;  // for messages
  const cf_experiment_api& api;
  std::string_view sets_json;
};

// What the passes of a run came to.
struct PassOutcome {
  bool ok = true;
  std::string error;       // for the store and the console, without "error: "
  int interrupted_by = 0;  // SIGINT or SIGTERM: the user stopped the run (status interrupted)
};

// What runs between the decisions and the real pass (a run's shares); its failure text, if any.
using BeforeRealPass = std::function<std::optional<std::string>()>;

// The map pass and the decisions alone (--map, --paths); run()'s failure text, if any. Throws
// UserError for an --overwrite-stage name the experiment has no stage of.
std::optional<std::string> run_map_pass(const RunnableExperiment& experiment, RunSession& session);

// The map pass (DAG mode), the decisions, `before_real_pass`, the real pass and waiting for the
// cache writes. Reports run()'s failure as an outcome, not an exception.
PassOutcome run_passes(const RunnableExperiment& experiment, RunSession& session, ArtifactCache& cache,
                       const BeforeRealPass& before_real_pass = {});

// "run complete: N stage calls executed, M loaded from cache, K skipped"
std::string run_summary(const RunSession& session);

}  // namespace cf::host
