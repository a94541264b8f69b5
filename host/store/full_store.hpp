// --store-full: a run's own folder, <runs>/<reference>/, holding everything needed to look at
// or reproduce it without the shared cache: the artifacts it used (by the same names, under
// artifacts/), its log, the parameter sets, the run's facts and its environment.
#pragma once

#include "store/run_store.hpp"

#include <filesystem>
#include <optional>
#include <vector>

namespace cf::host {

struct FullStoreContents {
  std::filesystem::path cache_folder;
  std::vector<std::filesystem::path> cache_files;  // absolute, inside cache_folder
  std::optional<std::filesystem::path> log_file;
  StoredRun run;
  std::vector<RegisteredParams> params;
  std::optional<std::filesystem::path> report_folder;  // copied as report/
};

// Writes <folder>/artifacts/<path relative to the cache>, <folder>/log.txt, params.json,
// run.json, environment.json and report/ (the run's HTML report). Files are copied through temporary names
// and renamed, so an interrupted copy never leaves a truncated artifact behind. Throws UserError naming the
// file.
void write_full_store(const std::filesystem::path& folder, const FullStoreContents& contents);

}  // namespace cf::host
