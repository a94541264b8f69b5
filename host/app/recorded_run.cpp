// A recorded run: numbered in the store before anything runs, executed in a supervised child
// (so even a crashing plugin leaves a status), logged to <logs>/<reference>.log, and with
// --store-full copied into its own folder.
#include "app/from_options.hpp"
#include "app/notes_editor.hpp"
#include "app/prepared_run.hpp"
#include "app/run_notebook.hpp"
#include "app/run_progress.hpp"
#include "app/run_report.hpp"
#include "app/run_shares.hpp"
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "exec/process_end.hpp"
#include "exec/supervisor.hpp"
#include "export/docker_export.hpp"
#include "log/run_log.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/stale_plugin.hpp"
#include "report_writer.hpp"
#include "store/full_store.hpp"
#include "store/provenance.hpp"
#include "store/run_store.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

namespace cf::host {
namespace {

// The sets as the store lists them: per -p file, its (name, hash) pairs, in order.
std::string param_files_json(const std::vector<SelectedSet>& sets) {
  std::vector<std::pair<std::string, std::vector<const SelectedSet*>>> files;
  for (const SelectedSet& set : sets) {
    if (files.empty() || files.back().first != set.params_file) files.push_back({set.params_file, {}});
    files.back().second.push_back(&set);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto string = [&](const std::string& text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  w.StartArray();
  for (const auto& [file, members] : files) {
    w.StartObject();
    w.Key("file");
    string(file);
    w.Key("sets");
    w.StartArray();
    for (const SelectedSet* set : members) {
      w.StartArray();
      string(set->name);
      string(set->hash);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

// The command that reproduces a full-store run from its folder: the same experiment, sets and
// naming, reading the stored artifacts and writing no cache, so no stage needs to execute.
std::string reproduce_command(const RunOptions& options, const std::filesystem::path& artifacts) {
  std::string line = "experiment " + shell_word(options.experiment);
  for (const auto& file : options.params) line += " -p " + shell_word(file);
  for (const auto& name : options.names) line += " -n " + shell_word(name);
  for (const auto& range : options.indices) line += " --indices " + shell_word(range);
  for (const auto& range : options.global_indices) line += " --global-indices " + shell_word(range);
  if (options.prefix) line += " --prefix " + shell_word(*options.prefix);
  if (options.no_dag) line += " --no-dag";
  if (options.lazy) line += " --lazy";
  if (options.ignore_lazy) line += " --ignore-lazy";
  return line + " --cache " + shell_word(artifacts.string()) + " --dry-cache";
}

// As the original writes it (its configured runs_path), so the line still works from the
// project's folder after the project moves; a runs folder outside the project stays absolute.
std::filesystem::path project_relative(const Config& config, const std::filesystem::path& path) {
  const auto relative = path.lexically_relative(config.root);
  if (relative.empty() || *relative.begin() == "..") return path;
  return relative;
}

std::vector<std::filesystem::path> plugin_files(const PreparedRun& run) {
  std::set<std::filesystem::path> files{run.experiment.path()};
  for (const auto& name : run.cachers.names()) files.insert(run.cachers.file(name));
  return {files.begin(), files.end()};
}

std::vector<RegisteredParams> registry_entries(const PreparedRun& run, const RunSession& session) {
  std::map<std::string, RegisteredParams> by_hash;
  for (const SelectedSet& set : run.sets)
    by_hash.try_emplace(set.hash, RegisteredParams{set.hash, set.name, set.json});
  for (const RecordEntry& record : session.real_graph().records()) {
    if (record.params_hash.empty()) continue;
    by_hash.try_emplace(record.params_hash,
                        RegisteredParams{record.params_hash, record.set_name, record.params_json});
  }
  std::vector<RegisteredParams> entries;
  for (auto& [hash, entry] : by_hash) entries.push_back(std::move(entry));
  return entries;
}

// The process's peak resident memory so far (VmHWM), in MiB; -1 when unknown. One system
// call, where reading /proc/self/status cost three and a parse on every stage call.
long peak_memory_mib() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return -1;
  return usage.ru_maxrss / 1024;  // KiB on Linux
}

// Writes the run's report and the index; a failure to do so is a warning, not a failed run.
std::optional<std::filesystem::path> write_report(const PreparedRun& run, const StoredRun& stored,
                                                  const RunSession* session,
                                                  const std::vector<RegisteredParams>& params, RunLog& log) {
  try {
    log.flush();
    reports::write_run_report(run.config.reports_path, build_run_report(stored, session, params, log.file()),
                              run.config.report_css_path);
    const auto folder = run.config.reports_path / stored.reference;
    log.log(CF_LOG_INFO, "report: " + display_path(folder / "index.html"));
    return folder;
  } catch (const std::exception& e) {
    log.log(CF_LOG_WARNING, std::string("the report could not be written: ") + e.what());
  }
  return std::nullopt;
}

// The child's whole life: the two passes, then everything the store and a full store keep.
int execute(const PreparedRun& run, const StoredRun& stored, const std::filesystem::path& store_file,
            const LogSettings& log_settings, const GitState& git, const SupervisorChannel& channel) {
  RunProgress progress(run.options, channel.console_fd());
  RunLog log(progress.console(log_settings));
  auto log_line = [&](cf_log_level level, std::string_view message) { log.log(level, message); };
  log.file_only(CF_LOG_INFO,
                "run " + stored.reference + " of experiment '" + stored.experiment + "': " + stored.command);
  if (!git.warning.empty()) log.log(CF_LOG_WARNING, "git: " + git.warning);
  if (auto stale =
          stale_plugin_warning(run.experiment.path(), run.config.experiments_dir, run.options.experiment))
    log.log(CF_LOG_WARNING, *stale);

  RunInfo info = make_run_info(run.options.experiment, run.command_line);
  info.number = stored.number;
  info.reference = stored.reference;
  info.timestamp = stored.timestamp;
  SessionHooks hooks;
  hooks.stage_starting = [&](const std::string& where) { channel.started(where); };
  hooks.stage_started = [&](const std::string&, const std::string& set_name) { log.set_context(set_name); };
  hooks.stage_finished = [&](const std::string& where, double seconds, bool) {
    channel.finished();
    log.clear_context();
    char timing[64];
    std::snprintf(timing, sizeof timing, " took %.3f s, peak memory %ld MiB", seconds, peak_memory_mib());
    log.log(CF_LOG_DEBUG, where + timing);
  };
  // The one console line a failed run gets is its end's; the stage's own goes to the file.
  hooks.failure_detail = [&](cf_log_level level, std::string_view message) { log.file_only(level, message); };
  progress.attach(hooks, log);
  ArtifactCache cache(run.cache_folder, run.prefix, run.cachers);
  RunSession session(cache, info, run.settings, log_line, hooks);

  // --parallel / Slurm: the shares compute their parts of the sets between the plan and the
  // real pass, following the plan, so the real pass finds their work and the decisions stay
  // the ones a serial run takes.
  BeforeRealPass shares;
  bool shares_failed = false;  // their failures name their own logs
  if (runs_in_shares(run) && run.settings.dry_cache) {
    log.log(CF_LOG_WARNING,
            "--dry-cache: the run is not split into shares (they could hand nothing to the "
            "final run without writing the cache)");
  } else if (runs_in_shares(run)) {
    shares = [&]() -> std::optional<std::string> {
      write_share_plan(share_plan_file(run, stored.reference),
                       make_share_plan(info, run.settings.dag ? &session.graph() : nullptr,
                                       session.decisions(), session.forcing()));
      std::string failures;
      try {
        failures = run_shares(run, stored.reference, log);
      } catch (const Interrupted&) {
        throw;
      } catch (const UserError& e) {
        failures = e.what();  // the shares could not start: no sbatch, a refused submission
      }
      if (!failures.empty()) {
        shares_failed = true;
        return "experiment '" + run.options.experiment + "': " + failures;
      }
      session.shares_finished();
      return std::nullopt;
    };
  }
  PassOutcome outcome;
  try {
    outcome = run_passes(runnable(run), session, cache, shares);
  } catch (const Interrupted& e) {
    outcome = {false,
               "experiment '" + run.options.experiment + "' stopped by " + interruption_name(e.signal) +
                   " while its shares ran (" + e.what() + ")",
               e.signal};
  } catch (const UserError& e) {
    outcome = {false, e.what()};
  }
  log.clear_context();
  progress.finish();

  RunStore store(store_file);
  const auto params = registry_entries(run, session);
  for (const RegisteredParams& entry : params) store.register_params(entry);
  std::vector<StoredArtifact> artifacts;
  std::vector<std::filesystem::path> cache_files;
  for (const UsedArtifact& used : session.used_artifacts()) {
    artifacts.push_back(
        StoredArtifact{used.location.data.string(), used.stage, used.record, used.artifact, used.produced});
    cache_files.push_back(used.location.data);
    cache_files.push_back(used.location.metadata);
  }
  store.record_artifacts(stored.reference, artifacts);

  if (outcome.ok) {
    if (!session.actions().empty()) log.log(CF_LOG_INFO, run_summary(session));
  } else {
    log.file_only(CF_LOG_ERROR, outcome.error);
    std::cerr << (outcome.interrupted_by != 0 ? "interrupted: " : "error: ") << outcome.error
              << (shares_failed ? "" : log_hint(log)) << "\n";
  }
  StoredRun finished = stored;
  finished.status = outcome.ok ? "complete" : outcome.interrupted_by != 0 ? "interrupted" : "error";
  finished.error = outcome.ok ? "" : outcome.error;
  const auto report_folder = write_report(run, finished, &session, params, log);
  if (run.options.store_full) {
    const auto folder = run.config.runs_path / stored.reference;
    for (const auto& file : session.reportable_files()) cache_files.push_back(file);
    log.flush();
    write_full_store(folder, FullStoreContents{run.cache_folder, cache_files, log.file(), finished, params,
                                               report_folder});
    log.log(CF_LOG_INFO, "full store written to " + display_path(folder));
  }
  if (run.options.notebook) write_run_notebook(run, finished, session, log);
  store.finish_run(stored.reference, finished.status, finished.error);
  if (run.options.docker && outcome.ok) {
    export_docker_image(
        {run.config, stored.experiment, stored.reference, run.config.runs_path / stored.reference},
        run.options.quiet, log_line);
  }
  log.flush();
  return outcome.ok ? 0 : outcome.interrupted_by != 0 ? 128 + outcome.interrupted_by : 1;
}

}  // namespace

std::string interruption_name(int signal_number) {
  if (signal_number == SIGINT) return "SIGINT (Ctrl-C)";
  if (signal_number == SIGTERM) return "SIGTERM";
  return describe_process_end(true, signal_number);
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

int run_recorded(const PreparedRun& run) {
  const RunOptions& options = run.options;
  const GitState git = git_state(run.config.root);
  const RunInfo info = make_run_info(options.experiment, run.command_line);

  StoredRun draft;
  draft.experiment = options.experiment;
  draft.timestamp = info.timestamp;
  draft.git_commit = git.commit;
  draft.git_dirty = git.dirty;
  draft.param_files_json = param_files_json(run.sets);
  draft.command = run.command_line;
  draft.hostname = info.hostname;
  draft.pid = ::getpid();  // this process records how the run ends
  // A bare --notes opens the editor only now, once the experiment, its sets and the flags have
  // proved good: a typo should not cost the user the notes they just wrote.
  draft.notes = options.notes && options.notes->empty() ? edit_notes() : options.notes.value_or("");
  draft.full_store = options.store_full;
  draft.environment_json = environment_json(git, plugin_files(run));

  const auto store_file = RunStore::default_path(run.config);
  StoredRun stored;
  {
    // Closed again before the fork: an SQLite connection must not cross into a child process.
    RunStore store(store_file);
    stored = store.begin_run(draft);
    if (options.store_full) {
      stored.reproduce = reproduce_command(
          options, project_relative(run.config, run.config.runs_path) / stored.reference / "artifacts");
      store.update_run(stored);
    }
  }

  LogSettings log_settings = console_settings(options);
  if (!options.no_log) log_settings.file = run.config.logs_path / (stored.reference + ".log");

  // The parent's own handle on the log file: the experiment's stderr (--log-errors) and a
  // crash report go there. It writes nothing to the console.
  LogSettings file_only;
  file_only.file = log_settings.file;
  file_only.quiet = true;
  std::optional<RunLog> parent_log;
  if (file_only.file) parent_log.emplace(file_only);

  // Whole lines only: a stage writing a line in pieces (std::cerr << a << b, unbuffered) would
  // otherwise get the child's own log lines written between the pieces. A very long line
  // without an end is written as it comes.
  constexpr std::size_t kLongestHeldLine = 1 << 16;
  std::string partial_line;
  std::function<void(std::string_view)> capture;
  if (options.log_errors && parent_log) {
    capture = [&](std::string_view text) {
      partial_line.append(text);
      const std::size_t end =
          partial_line.size() > kLongestHeldLine ? partial_line.size() - 1 : partial_line.rfind('\n');
      if (end == std::string::npos) return;
      parent_log->append_raw(std::string_view(partial_line).substr(0, end + 1));
      partial_line.erase(0, end + 1);
    };
  }
  const ChildEnd end = run_supervised(
      [&](const SupervisorChannel& channel) {
        return execute(run, stored, store_file, log_settings, git, channel);
      },
      capture, options.stage_timeout);
  if (!partial_line.empty()) parent_log->append_raw(partial_line + "\n");

  // The user stopped the run: Ctrl-C (the whole process group gets SIGINT), or SIGTERM passed on
  // to the experiment process by run_supervised.
  const int interrupted_by = end.interrupted_by != 0 ? end.interrupted_by
                             : end.signaled && (end.code == SIGINT || end.code == SIGTERM) ? end.code
                                                                                           : 0;
  RunStore store(store_file);
  const auto after = store.run(stored.reference);
  if (after && after->status == "incomplete") {
    std::string message = "experiment '" + options.experiment + "'";
    if (end.timed_out) {
      message += ": " + end.last_stage + " ran longer than --stage-timeout " +
                 seconds_text(*options.stage_timeout) + " and was stopped";
    } else if (interrupted_by != 0) {
      message += " stopped by " + interruption_name(interrupted_by);
    } else {
      message += ": the experiment process " + end.describe();
    }
    if (!end.timed_out && !end.last_stage.empty()) message += " during " + end.last_stage;
    const std::string status = interrupted_by != 0 && !end.timed_out ? "interrupted" : "error";
    store.finish_run(stored.reference, status, message);
    if (parent_log) parent_log->file_only(CF_LOG_ERROR, message);
    std::cerr << (status == "interrupted" ? "interrupted: " : "error: ") << message
              << (file_only.file ? "; its log: " + display_path(*file_only.file) : std::string()) << "\n";
    StoredRun failed = *after;
    failed.status = status;
    failed.error = message;
    RunLog quiet_log(file_only);
    write_report(run, failed, nullptr, {}, quiet_log);
    return status == "interrupted" ? 128 + interrupted_by : 1;
  }
  if (after && after->status == "interrupted") return 128 + (interrupted_by != 0 ? interrupted_by : SIGINT);
  return end.signaled ? 1 : end.code;
}

}  // namespace cf::host
