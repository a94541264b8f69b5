// The folders of a new project, as `experiment init` asks for them: given as flags, typed at
// the prompts, or the defaults of SEMANTICS.md. Values are kept as written, since they go into
// curifactory_config.json verbatim.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace cf::host {

struct ProjectLayout {
  std::string experiments = "experiments";  // experiments_module_name
  std::string params = "params";            // params_module_name
  std::string data = "data/";               // manager_cache_path (the run store lives here)
  std::string cache = "data/cache";         // cache_path
  std::string runs = "data/runs";           // runs_path (--store-full folders)
  std::string logs = "logs/";               // logs_path
  std::string notebooks = "notebooks/";     // notebooks_path
  std::string reports = "reports/";         // reports_path; report_css_path is <reports>/style.css
};

// A folder given on the command line (nullopt: not given, so asked or defaulted).
struct LayoutFlags {
  std::optional<std::string> experiments, params, data, cache, runs, logs, notebooks, reports;
};

// Fills the layout: flags first; then, unless `ask` is false, one prompt per folder not given
// on `out` ("Experiments folder [experiments]: "), reading a line from `in` (an empty line
// keeps the default; the end of input keeps every remaining default); the rest default. The
// cache and runs defaults follow the data folder. Throws UserError naming the flag or folder
// for a value that cannot work (empty, a control character, an experiments or params folder
// outside the project).
ProjectLayout choose_layout(const LayoutFlags& flags, bool ask, std::istream& in, std::ostream& out);

// "<folder>/<name>" without a doubled separator: join_folder("data/", "cache") == "data/cache".
std::string join_folder(const std::string& folder, const std::string& name);

}  // namespace cf::host
