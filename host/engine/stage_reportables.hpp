// What a run's stages show in its report (tables, plots, images, JSON, text, HTML), checked as
// they arrive, given names unique within the run, cached beside the stage's outputs when the
// stage executes and read back when it loads, so a cached run's report shows them too.
#pragma once

#include "cache/artifact_cache.hpp"
#include "engine/stage_graph.hpp"
#include "report_model.hpp"

#include <curifactory/abi.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

class StageReportables {
 public:
  explicit StageReportables(const ArtifactCache& cache) : cache_(cache) {}

  // Files a reportable of stage call `node` (`where` names it in errors). An image is copied
  // into the cache when `writes_cache`, so the report survives the original's deletion. Throws
  // UserError for an unknown kind, a name with '/' or '\', a malformed payload, a missing image.
  void add(const StageNode& node, const std::string& where, bool writes_cache, std::string kind,
           std::string name, std::string group, std::string payload_json);

  // The reportables of `node` to its cache file (after it executed); nothing when it has none.
  void save(const StageNode& node) const;
  // The cached reportables of `node` (it loaded); one that cannot be shown is a warning.
  void load(const StageNode& node, const std::string& where, bool writes_cache,
            const std::function<void(cf_log_level, const std::string&)>& log);

  // In the order they came.
  const std::vector<reports::Reportable>& all() const { return reportables_; }
  // The reportables files and image copies of the stage calls in `graph` that have any.
  std::vector<std::filesystem::path> files(const StageGraph& graph) const;

 private:
  const ArtifactCache& cache_;
  std::vector<reports::Reportable> reportables_;
  std::map<std::size_t, std::vector<std::size_t>> of_stage_;  // stage call -> indices
  std::set<std::string> qualified_names_;
};

}  // namespace cf::host
