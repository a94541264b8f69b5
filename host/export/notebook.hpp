// --notebook: a Jupyter notebook (nbformat 4) that explores one run: a cell with the run's facts,
// a warning when its artifacts sit in the shared cache, a cell of loading helpers, and a cell per
// record that loads its parameters and the cached artifacts the run used into a `Record` object.
// This file knows nbformat and Python, not runs: engine/run_notebook fills the model.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cf::host {

struct NotebookArtifact {
  std::string name;            // the record state entry it fills
  std::string stage;           // the stage call that produced or loaded it
  std::string cacher;          // how it is stored: json, npy, pickle, raw, zstd (others are not loaded)
  std::filesystem::path file;  // relative to the artifacts folder
  bool produced = false;       // written by this run (else read from the cache)
};

struct NotebookRecord {
  std::size_t index = 0;
  std::string set_name;
  std::string params_hash;  // empty for a record without parameters
  std::string record_hash;
  std::string params_json;  // the set as JSON; empty for a record without parameters
  std::optional<std::size_t> copy_of;
  std::vector<std::size_t> input_records;
  std::vector<NotebookArtifact> artifacts;
  std::vector<std::string> skipped_stages;  // stage calls that did not run (no goal needed them)
};

struct NotebookParamFile {
  std::string file;                                       // the -p name
  std::vector<std::pair<std::string, std::string>> sets;  // (name, hash)
};

struct NotebookRun {
  std::string experiment;
  int number = 0;
  std::string reference;
  std::string timestamp;
  std::string status;
  std::string error;
  std::string git_commit;
  bool git_dirty = false;
  std::string command;
  std::string reproduce;
  std::string notes;
  std::vector<NotebookParamFile> param_files;
  // Where the artifacts are: absolute, and relative to the notebook's folder (tried first, as
  // Jupyter starts in that folder, so a moved project still finds them).
  std::filesystem::path artifacts_folder;
  std::filesystem::path artifacts_relative;
  bool shared_cache = true;  // false for a full store's own artifacts folder
  std::vector<NotebookRecord> records;
};

// <notebooks>/experiments/<reference>.ipynb
std::filesystem::path notebook_path(const std::filesystem::path& notebooks_folder,
                                    const std::string& reference);

// The notebook as nbformat 4 JSON.
std::string notebook_json(const NotebookRun& run);

// Writes notebook_json(run) to `path` atomically. Throws UserError naming the file.
void write_notebook(const std::filesystem::path& path, const NotebookRun& run);

}  // namespace cf::host
