#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/prepared_run.hpp"
#include "engine/run_map.hpp"
#include "engine/run_progress.hpp"
#include "exec/supervisor.hpp"
#include "log/run_log.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/stale_plugin.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <set>

namespace cf::host {
namespace {

// A misspelt --overwrite-stage would otherwise silently overwrite nothing.
void check_overwrite_stages(const StageGraph& graph, const std::vector<std::string>& wanted) {
  std::set<std::string> known;
  for (const StageNode& node : graph.stages()) known.insert(node.call.name);
  for (const auto& name : wanted) {
    if (known.contains(name)) continue;
    std::string list;
    for (const auto& stage : known) list += (list.empty() ? "" : ", ") + stage;
    throw UserError(
        "--overwrite-stage '" + name +
        "': the experiment calls no stage of that name (its stages: " + (list.empty() ? "none" : list) + ")");
  }
}

// Calls run(); its failure text, or nothing.
std::optional<std::string> call_run(const PreparedRun& run, RunSession& session) {
  StringSink error;
  const cf_experiment_api& api = run.experiment.experiment();
  if (api.run(session.host_api(), cf_str{run.sets_json.data(), run.sets_json.size()}, error.sink()) ==
      CF_OK) {
    return std::nullopt;
  }
  return error.text;
}

std::string failed(const PreparedRun& run, const char* pass, const std::string& why) {
  return "experiment '" + run.options.experiment + "' failed" + pass + ": " + why;
}

}  // namespace

PassOutcome run_passes(const PreparedRun& run, RunSession& session, ArtifactCache& cache,
                       const BeforeRealPass& before_real_pass) {
  const RunOptions& options = run.options;
  if (run.settings.dag) {
    session.start_map_pass();
    if (auto error = call_run(run, session)) return {false, failed(run, " during the map pass", *error)};
    check_overwrite_stages(session.graph(), options.overwrite_stages);
    session.plan();
  }
  if (before_real_pass) {
    if (auto error = before_real_pass()) return {false, *error};
  }
  session.start_real_pass();
  const auto error = call_run(run, session);
  // Outputs saved before a failure stay cached: wait for them either way.
  cache.finish();
  if (error) return {false, failed(run, "", *error)};
  session.finish_real_pass();
  if (!run.settings.dag) {
    // Without a map pass the stages are known only now; the run itself went fine.
    try {
      check_overwrite_stages(session.graph(), options.overwrite_stages);
    } catch (const UserError& e) {
      std::cout << "WARNING - " << e.what() << std::endl;
    }
  }
  return {};
}

std::string run_summary(const RunSession& session) {
  std::size_t counts[3] = {0, 0, 0};
  for (const StageAction action : session.actions()) ++counts[static_cast<int>(action)];
  const std::size_t by_shares = session.executed_by_shares();
  return "run complete: " + std::to_string(counts[0]) + " stage calls executed" +
         (by_shares > 0 ? " (" + std::to_string(by_shares) + " of them by the run's shares)"
                        : std::string()) +
         ", " + std::to_string(counts[1]) + " loaded from cache, " + std::to_string(counts[2]) + " skipped";
}

std::string log_hint(const RunLog& log) {
  return log.file() ? "; its log: " + display_path(*log.file()) : std::string();
}

LogSettings console_settings(const RunOptions& options) {
  LogSettings settings;
  settings.verbose = options.verbose;
  settings.quiet = options.quiet;
  settings.plain = options.plain;
  settings.color = !options.no_color && ::isatty(STDOUT_FILENO) == 1;
  return settings;
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
    hooks.stage_started = [channel](const std::string& where, const std::string&) {
      channel->started(where);
    };
    hooks.stage_finished = [channel](const std::string&, double, bool) { channel->finished(); };
  }
  hooks.failure_detail = [&](cf_log_level level, std::string_view message) { log.file_only(level, message); };
  RunSession session(
      cache, session_run_info(run), run.settings,
      [&](cf_log_level level, std::string_view message) { log.log(level, message); }, hooks);
  if (auto stale =
          stale_plugin_warning(run.experiment.path(), run.config.experiments_dir, run.options.experiment))
    log.log(CF_LOG_WARNING, *stale);
  const PassOutcome outcome = run_passes(run, session, cache);
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
    session.start_map_pass();
    if (auto error = call_run(run, session)) {
      std::cerr << "error: " << failed(run, " during the map pass", *error) << "\n";
      return 1;
    }
    check_overwrite_stages(session.graph(), run.options.overwrite_stages);
    session.plan();
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
