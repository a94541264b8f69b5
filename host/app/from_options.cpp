#include "app/from_options.hpp"

#include "plugin/module_name.hpp"

#include <unistd.h>

namespace cf::host {

RunOptions with_module_names(const Config& config, RunOptions options) {
  options.experiment = experiment_name(config, options.experiment);
  for (std::string& file : options.params) file = params_name(config, file);
  return options;
}

ParamSelection param_selection(const RunOptions& options) {
  return {options.experiment, options.params, options.names, options.indices, options.global_indices};
}

SessionSettings session_settings(const RunOptions& options) {
  SessionSettings settings;
  settings.dag = !options.no_dag;
  settings.dry = options.dry;
  settings.dry_cache = options.dry_cache;
  settings.lazy_all = options.lazy;
  settings.ignore_lazy = options.ignore_lazy;
  settings.overwrite.everything = options.overwrite;
  settings.overwrite.stages.insert(options.overwrite_stages.begin(), options.overwrite_stages.end());
  return settings;
}

LogSettings console_settings(const RunOptions& options) {
  LogSettings settings;
  settings.verbose = options.verbose;
  settings.quiet = options.quiet;
  settings.plain = options.plain;
  settings.color = !options.no_color && ::isatty(STDOUT_FILENO) == 1;
  return settings;
}

}  // namespace cf::host
