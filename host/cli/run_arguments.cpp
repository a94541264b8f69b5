#include "cli/run_arguments.hpp"

#include <cstdio>

namespace cf::host {
namespace {

// Enough digits that the number reads back exactly.
std::string exact(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

std::vector<std::string> run_arguments(const RunOptions& o) {
  std::vector<std::string> args{o.experiment};
  auto each = [&](const char* flag, const std::vector<std::string>& values) {
    for (const auto& value : values) args.push_back(std::string(flag) + "=" + value);
  };
  auto value = [&](const char* flag, const std::optional<std::string>& text) {
    if (text) args.push_back(std::string(flag) + "=" + *text);
  };
  // A flag whose value may be left out: bare means "no value" (--notes opens the editor).
  auto optional_value = [&](const char* flag, const std::optional<std::string>& text) {
    if (text) args.push_back(text->empty() ? std::string(flag) : std::string(flag) + "=" + *text);
  };
  auto flag = [&](const char* name, bool set) {
    if (set) args.emplace_back(name);
  };
  each("--params", o.params);
  each("--names", o.names);
  each("--indices", o.indices);
  each("--global-indices", o.global_indices);
  each("--overwrite-stage", o.overwrite_stages);
  value("--cache", o.cache);
  value("--prefix", o.prefix);
  optional_value("--notes", o.notes);
  optional_value("--print-params", o.print_params);
  if (o.parallel) args.push_back("--parallel=" + std::to_string(*o.parallel));
  if (o.stage_timeout) args.push_back("--stage-timeout=" + exact(*o.stage_timeout));
  value("--slurm-args", o.slurm_args);
  value("--share-plan", o.share_plan);
  flag("--parallel-mode", o.parallel_mode);
  flag("--overwrite", o.overwrite);
  flag("--store-full", o.store_full);
  flag("--lazy", o.lazy);
  flag("--ignore-lazy", o.ignore_lazy);
  flag("--verbose", o.verbose);
  flag("--quiet", o.quiet);
  flag("--progress", o.progress);
  flag("--map", o.map);
  flag("--paths", o.paths);
  flag("--hashes", o.hashes);
  flag("--no-dag", o.no_dag);
  flag("--no-log", o.no_log);
  flag("--no-color", o.no_color);
  flag("--plain", o.plain);
  flag("--dry", o.dry);
  flag("--dry-cache", o.dry_cache);
  flag("--log-errors", o.log_errors);
  flag("--docker", o.docker);
  flag("--notebook", o.notebook);
  flag("--slurm", o.slurm);
  return args;
}

}  // namespace cf::host
