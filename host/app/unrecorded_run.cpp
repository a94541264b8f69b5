// A run that records nothing: --dry, --map and --paths, and the shares of a --parallel or Slurm
// run (--parallel-mode), which only fill the cache.
#include "app/from_options.hpp"
#include "app/prepared_run.hpp"
#include "app/run_progress.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_map.hpp"
#include "engine/run_passes.hpp"
#include "exec/supervisor.hpp"
#include "log/run_log.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/stale_plugin.hpp"
#include "util/error.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

namespace cf::host {

RunnableExperiment runnable(const PreparedRun& run) {
  return {run.options.experiment, run.experiment.experiment(), run.sets_json};
}

std::string log_hint(const RunLog& log) {
  return log.file() ? "; its log: " + display_path(*log.file()) : std::string();
}

namespace {

// A share writes its artifacts in the name of the run it is part of, keeping its own hostname.
RunInfo session_run_info(const PreparedRun& run) {
  RunInfo info = make_run_info(run.options.experiment, run.command_line);
  if (run.settings.share) {
    const std::string hostname = info.hostname;
    info = run.settings.share->run;
    info.hostname = hostname;
  }
  return info;
}

// The two passes of a run that records nothing; with `channel`, in a supervised child that
// reports each stage it executes.
int unrecorded_passes(const PreparedRun& run, const LogSettings& settings, const SupervisorChannel* channel) {
  RunProgress progress(run.options, channel != nullptr ? channel->console_fd() : STDERR_FILENO);
  RunLog log(progress.console(settings));
  ArtifactCache cache(run.cache_folder, run.prefix, run.cachers);
  SessionHooks hooks;
  progress.attach(hooks, log);
  if (channel != nullptr) {
    hooks.stage_starting = [channel](const std::string& where) { channel->started(where); };
    hooks.stage_finished = [channel](const std::string&, double, bool) { channel->finished(); };
  }
  hooks.failure_detail = [&](cf_log_level level, std::string_view message) { log.file_only(level, message); };
  RunSession session(
      cache, session_run_info(run), run.settings,
      [&](cf_log_level level, std::string_view message) { log.log(level, message); }, hooks);
  if (auto stale =
          stale_plugin_warning(run.experiment.path(), run.config.experiments_dir, run.options.experiment))
    log.log(CF_LOG_WARNING, *stale);
  const PassOutcome outcome = run_passes(runnable(run), session, cache);
  progress.finish();
  if (!outcome.ok) {
    log.file_only(CF_LOG_ERROR, outcome.error);
    std::cerr << "error: " << outcome.error << log_hint(log) << "\n";
    return 1;
  }
  if (!session.actions().empty()) log.log(CF_LOG_INFO, run_summary(session));
  return 0;
}

}  // namespace

int run_unrecorded(const PreparedRun& run) {
  LogSettings settings = console_settings(run.options);
  // A parallel child logs to the file its parent named.
  if (const char* file = std::getenv("CF_PARALLEL_LOG");
      file != nullptr && *file != '\0' && !run.options.dry) {
    settings.file = file;
  }
  if (run.options.map || run.options.paths) {
    RunLog log(settings);
    ArtifactCache cache(run.cache_folder, run.prefix, run.cachers);
    RunSession session(cache, session_run_info(run), run.settings,
                       [&](cf_log_level level, std::string_view message) { log.log(level, message); });
    if (auto error = run_map_pass(runnable(run), session)) {
      std::cerr << "error: " << *error << "\n";
      return 1;
    }
    if (run.options.map) {
      print_map(session, std::cout);
    } else {
      print_paths(session, std::cout);
    }
    return 0;
  }
  if (!run.options.stage_timeout) return unrecorded_passes(run, settings, nullptr);

  // A stage past its timeout cannot be stopped from inside the process, so the passes run in a
  // child that the parent can kill.
  const ChildEnd end = run_supervised(
      [&](const SupervisorChannel& channel) { return unrecorded_passes(run, settings, &channel); }, {},
      run.options.stage_timeout);
  if (end.timed_out) {
    std::cerr << "error: experiment '" << run.options.experiment << "': " << end.last_stage
              << " ran longer than --stage-timeout " << seconds_text(*run.options.stage_timeout)
              << " and was stopped\n";
    return 1;
  }
  if (end.signaled) {
    // End the way the child did, so a parallel parent reports the same signal.
    std::signal(end.code, SIG_DFL);
    std::raise(end.code);
  }
  return end.code;
}

}  // namespace cf::host
