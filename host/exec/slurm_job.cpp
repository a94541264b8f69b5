#include "exec/slurm_job.hpp"

#include "exec/child_command.hpp"
#include "exec/interrupt_guard.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <sys/wait.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

namespace cf::host {
namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::optional<long> parse_number(std::string_view text) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Array task ids as scontrol prints them for a record: "3", "0-3", "1,4-5", "0-7:2", with an
// optional "%limit" throttle. Pending tasks share one record, so a record may stand for many.
std::set<long> expand_task_ids(std::string_view text) {
  std::set<long> ids;
  if (const auto percent = text.find('%'); percent != std::string_view::npos) text = text.substr(0, percent);
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    long step = 1;
    if (const auto colon = part.find(':'); colon != std::string_view::npos) {
      step = parse_number(part.substr(colon + 1)).value_or(1);
      part = part.substr(0, colon);
    }
    const auto dash = part.find('-');
    const auto low = parse_number(part.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : parse_number(part.substr(dash + 1));
    if (!low || !high || step < 1) continue;
    for (long id = *low; id <= *high; id += step) ids.insert(id);
  }
  return ids;
}

// States after which a task will not run again; COMPLETING is excluded because the exit code
// may not be final until the node has cleaned up.
bool is_final_state(std::string_view state) {
  static const std::set<std::string_view> final_states{
      "COMPLETED", "FAILED",   "CANCELLED",     "TIMEOUT",      "NODE_FAIL", "PREEMPTED",
      "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED"};
  return final_states.contains(state);
}

// One `scontrol -o` record is space-separated Key=Value pairs; only values without spaces are
// read here, so a field further along containing spaces (a path, a comment) does no harm.
std::map<std::string, std::string> parse_record(std::string_view line) {
  std::map<std::string, std::string> fields;
  std::istringstream words{std::string(line)};
  std::string word;
  while (words >> word) {
    const auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    fields.try_emplace(word.substr(0, equals), word.substr(equals + 1));
  }
  return fields;
}

struct TaskState {
  std::string state;
  int exit_code = 0;
  int signal = 0;
};

std::map<long, TaskState> parse_job_records(std::string_view output) {
  std::map<long, TaskState> tasks;
  std::istringstream lines{std::string(output)};
  std::string line;
  while (std::getline(lines, line)) {
    auto fields = parse_record(line);
    const auto id_field = fields.find("ArrayTaskId");
    const auto state_field = fields.find("JobState");
    if (id_field == fields.end() || state_field == fields.end()) continue;
    TaskState state{state_field->second, 0, 0};
    if (const auto exit_field = fields.find("ExitCode"); exit_field != fields.end()) {
      const std::string_view value = exit_field->second;
      const auto colon = value.find(':');
      state.exit_code = static_cast<int>(parse_number(value.substr(0, colon)).value_or(0));
      if (colon != std::string_view::npos) {
        state.signal = static_cast<int>(parse_number(value.substr(colon + 1)).value_or(0));
      }
    }
    for (const long id : expand_task_ids(id_field->second)) tasks[id] = state;
  }
  return tasks;
}

// Where Slurm writes the batch script's own output. The tasks' output goes to their log files,
// so this only catches what fails before (an unwritable log file, an unknown task id). On the
// command line rather than an #SBATCH line, which cannot hold every path.
std::string batch_output_pattern(const std::filesystem::path& script_path) {
  std::string pattern;
  for (const char c : script_path.string()) {
    pattern += c;
    if (c == '%') pattern += '%';  // a literal % in Slurm's filename patterns
  }
  return pattern + ".%A_%a.out";
}

std::string job_script(const std::vector<SlurmTask>& tasks, const std::filesystem::path& script_path) {
  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "# Written by `experiment`: array task i runs the i-th parameter-set range below. Resubmit with\n"
         << "#   sbatch --array=0-" << tasks.size() - 1
         << " --output=" << shell_quote(batch_output_pattern(script_path)) << " "
         << shell_quote(script_path.string()) << "\n"
         << "# Arguments are single-quoted so that nothing in them expands.\n"
         << "# shellcheck disable=SC2016\n"
         << "case \"${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\" in\n";
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& task = tasks[i];
    script << "  " << i << ")  # sets " << task.range << "\n    exec";
    for (const auto& argument : task.arguments) script << ' ' << shell_quote(argument);
    // exec, so that Slurm sees the program's own exit code or signal rather than bash's.
    script << " >" << shell_quote(task.log_file.string()) << " 2>&1\n    ;;\n";
  }
  script << "  *)\n    echo \"no task $SLURM_ARRAY_TASK_ID in this script\" >&2\n    exit 2\n    ;;\n"
         << "esac\n";
  return script.str();
}

void write_script(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) throw UserError("cannot write the Slurm job script " + path.string());
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
}

std::string describe_failure(const CapturedOutput& output) {
  std::string why = trimmed(output.err);
  if (why.empty()) why = trimmed(output.out);
  if (WIFEXITED(output.status)) {
    why += " (exit code " + std::to_string(WEXITSTATUS(output.status)) + ")";
  } else if (WIFSIGNALED(output.status)) {
    why += " (killed by signal " + std::to_string(WTERMSIG(output.status)) + ")";
  }
  return trimmed(why);
}

}  // namespace

std::vector<std::string> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i < text.size() && text[i] != '\n') word += text[i];
    } else if (c == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos)
        throw UserError("unterminated ' in sbatch arguments: " + std::string(text));
      word.append(text.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      // Inside double quotes a backslash only escapes the characters the shell gives meaning there.
      for (++i;; ++i) {
        if (i >= text.size()) throw UserError("unterminated \" in sbatch arguments: " + std::string(text));
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() &&
            std::string_view("\"\\$`\n").find(text[i + 1]) != std::string_view::npos) {
          if (text[++i] != '\n') word += text[i];
        } else {
          word += text[i];
        }
      }
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::vector<SlurmTaskResult> run_slurm_array(const std::vector<SlurmTask>& tasks,
                                             const std::filesystem::path& script_path,
                                             const std::filesystem::path& working_directory,
                                             const std::string& extra_sbatch_args,
                                             const std::function<void(std::string_view)>& progress) {
  if (tasks.empty()) return {};
  for (const auto& task : tasks) {
    if (task.arguments.empty()) throw UserError("Slurm task for sets " + task.range + " has no command");
    // Slurm would only report the task as failed; creating the folder here keeps the real cause.
    if (task.log_file.has_parent_path()) std::filesystem::create_directories(task.log_file.parent_path());
  }
  const auto script = std::filesystem::absolute(script_path);
  write_script(script, job_script(tasks, script));

  std::vector<std::string> sbatch{"sbatch", "--parsable", "--array=0-" + std::to_string(tasks.size() - 1),
                                  "--chdir=" + std::filesystem::absolute(working_directory).string(),
                                  "--output=" + batch_output_pattern(script)};
  for (auto& word : split_shell_words(extra_sbatch_args)) sbatch.push_back(std::move(word));
  sbatch.push_back(script.string());
  const CapturedOutput submitted = run_captured(sbatch);
  if (!submitted.succeeded()) throw UserError("sbatch failed: " + describe_failure(submitted));
  // --parsable prints "id" or "id;cluster".
  const std::string job_id = trimmed(std::string_view(submitted.out).substr(0, submitted.out.find(';')));
  if (!parse_number(job_id)) throw UserError("sbatch printed no job id: " + trimmed(submitted.out));

  // From here on Ctrl-C cancels the job: tasks left running would keep writing to the cache after
  // the user believes the run has stopped.
  InterruptGuard guard;
  const auto poll_interval = std::chrono::milliseconds(500);
  // scontrol can fail briefly while slurmctld is busy; only a long run of failures means the job
  // is gone (purged after MinJobAge) or the controller is down.
  constexpr int max_failed_polls = 60;
  int failed_polls = 0;
  std::size_t reported = tasks.size() + 1;  // forces the first report
  std::map<long, TaskState> states;
  for (;;) {
    if (guard.interrupted()) {
      const CapturedOutput cancelled = run_captured({"scancel", job_id});
      throw Interrupted(
          guard.signal(),
          (cancelled.succeeded() ? "cancelled slurm job " + job_id
                                 : "scancel " + job_id + " failed: " + describe_failure(cancelled)));
    }
    const CapturedOutput shown = run_captured({"scontrol", "-o", "show", "job", job_id});
    if (shown.succeeded()) {
      failed_polls = 0;
      states = parse_job_records(shown.out);
      std::size_t finished = 0;
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        const auto found = states.find(static_cast<long>(i));
        if (found != states.end() && is_final_state(found->second.state)) ++finished;
      }
      if (finished != reported && progress) {
        progress("slurm job " + job_id + ": " + std::to_string(finished) + " of " +
                 std::to_string(tasks.size()) + " tasks finished");
      }
      reported = finished;
      if (finished == tasks.size()) break;
    } else if (++failed_polls >= max_failed_polls) {
      throw UserError("cannot follow slurm job " + job_id + ": scontrol failed: " + describe_failure(shown));
    }
    std::this_thread::sleep_for(poll_interval);
  }

  // Slurm creates the batch output files before the tasks run; the tasks write to their own logs,
  // so an empty one says nothing and would only clutter the logs folder.
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const std::filesystem::path batch_output =
        script.string() + "." + job_id + "_" + std::to_string(i) + ".out";
    std::error_code ignored;
    if (std::filesystem::file_size(batch_output, ignored) == 0)
      std::filesystem::remove(batch_output, ignored);
  }

  std::vector<SlurmTaskResult> results;
  results.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& state = states.at(static_cast<long>(i));
    results.push_back({tasks[i].range, state.state, state.exit_code, state.signal, tasks[i].log_file});
  }
  return results;
}

}  // namespace cf::host
