// One command sequence played in two projects, a serial one and one split into shares
// (--parallel N or Slurm), compared after every step: which stage functions ran anywhere (the
// shares and the final run), the run's summary counts, the cached artifacts, and the actions
// the report shows for every stage call. A parallel run must take a serial run's decisions.
#pragma once

#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {

struct ParityStep {
  std::string flags;        // added to the command, e.g. "--overwrite-stage compare"
  std::string environment;  // e.g. "CF_AGGREGATE_VERSION=2" (what an edit of the code would change)
  std::string why;          // for failure messages
};

// What one step of a run left to compare.
struct ParityObservation {
  std::vector<std::string> ran;               // trace lines ("<stage>:<set name>"), sorted
  std::string counts;                         // "N stage calls executed, M loaded from cache, K skipped"
  std::map<std::string, std::string> cached;  // cache data files and their bytes
  std::map<std::string, int> actions;         // "(execute)", "(load)", "(skip)" -> count in the report
};

inline std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// "run complete: 9 stage calls executed (7 of them by the run's shares), 2 loaded ..." without
// the part only a split run has.
inline std::string summary_counts(const std::string& out) {
  const std::string marker = "run complete: ";
  const auto at = out.rfind(marker);
  if (at == std::string::npos) return "<no summary>";
  std::string line = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
  if (const auto open = line.find(" ("); open != std::string::npos) {
    line.erase(open, line.find(')', open) + 1 - open);
  }
  return line;
}

// The counts of each action label in the run's report (its stage graphs label every call).
inline std::map<std::string, int> report_actions(const TempProject& project, const std::string& out) {
  const std::string marker = "report: ";
  const auto at = out.rfind(marker);
  if (at == std::string::npos) return {{"<no report>", 1}};
  const std::string relative = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
  const std::string page = read_text(project.root() / relative);
  std::map<std::string, int> counts;
  for (const char* label : {">(execute)<", ">(load)<", ">(skip)<"}) {
    for (auto found = page.find(label); found != std::string::npos; found = page.find(label, found + 1))
      ++counts[label];
  }
  return counts;
}

inline ParityObservation observe(const TempProject& project, const std::string& command,
                                 const std::string& environment, const std::string& step) {
  const auto trace = project.root() / "trace.txt";
  std::filesystem::remove(trace);
  const CommandResult result =
      project.experiment(command, environment + " CF_TRACE=" + shell_quote(trace.string()));
  EXPECT_EQ(result.exit_code, 0) << step << "\n" << result.out << result.err;
  ParityObservation seen;
  seen.ran = std::filesystem::exists(trace) ? sorted_lines(read_text(trace)) : std::vector<std::string>{};
  seen.counts = summary_counts(result.out);
  for (const auto& [name, bytes] : files_below(project.root() / "data" / "cache")) {
    if (!name.ends_with("_metadata.json")) seen.cached[name] = bytes;
  }
  seen.actions = report_actions(project, result.out);
  return seen;
}

// Plays `steps` with `base` (experiment and params) serially and with `split` added, comparing.
inline void expect_serial_parity(const std::string& plugin, const std::string& params_yaml,
                                 const std::string& base, const std::string& split,
                                 const std::vector<ParityStep>& steps) {
  TempProject serial;
  TempProject parallel;
  for (const TempProject* project : {&serial, &parallel}) {
    project->add_plugin(plugin, "experiments/" + plugin + ".so");
    project->write("params/sets.yaml", params_yaml);
  }
  for (const ParityStep& step : steps) {
    const std::string what = "step '" + step.why + "' (" + step.environment + " " + step.flags + ")";
    const ParityObservation expected = observe(serial, base + " " + step.flags, step.environment, what);
    const ParityObservation got =
        observe(parallel, base + " " + step.flags + " " + split, step.environment, what);
    EXPECT_EQ(got.ran, expected.ran) << what << ": the stage functions that ran";
    EXPECT_EQ(got.counts, expected.counts) << what << ": the run's summary";
    EXPECT_EQ(got.cached, expected.cached) << what << ": the cache";
    EXPECT_EQ(got.actions, expected.actions) << what << ": the report's actions";
  }
}

}  // namespace cf::test
