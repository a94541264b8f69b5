// The cache folder of a run: where each stage output's file and metadata go, whether a cached
// artifact can be trusted, and saving and loading through the output's cacher plugin.
#pragma once

#include "cache/commit_queue.hpp"
#include "cache/output_spec.hpp"

#include <curifactory/abi.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace cf::host {

class CacherRegistry;
struct ArtifactFacts;

struct CacheLocation {
  std::filesystem::path data;      // <cache>/[<subdir>/]<prefix>_<record hash>_<stage>_<output><ext>
  std::filesystem::path metadata;  // the same without extension, plus _metadata.json
};

enum class CacheState { missing, valid, corrupt };

struct CacheStatus {
  CacheState state = CacheState::missing;
  std::string problem;        // why it is missing or corrupt
  std::string run_reference;  // valid: the run that produced it
};

class ArtifactCache {
 public:
  // `prefix` heads every file name: --prefix, or the experiment name.
  ArtifactCache(std::filesystem::path folder, std::string prefix, CacherRegistry& cachers);

  const std::filesystem::path& folder() const { return folder_; }
  CacherRegistry& cachers() const { return cachers_; }

  CacheLocation locate(const std::string& record_hash, const std::string& stage,
                       const OutputSpec& output) const;

  // Valid only when the metadata reads back and the file has the recorded size and checksum.
  // With `from_run`, also only when that run produced it (else missing, without reading the file).
  CacheStatus check(const CacheLocation& location, std::string_view from_run = {}) const;

  // Writes the artifact through its cacher, then its metadata, each to a temporary file renamed
  // into place before this returns and fsynced in the background (see CommitQueue); the
  // metadata goes last, so a file without metadata is never taken as cached. `metadata_for` builds the
  // metadata document from the facts of the written file.
  // Returns the artifact's short preview (as written into the metadata).
  std::string save(const CacheLocation& location, const OutputSpec& output, std::string_view artifact,
                   const std::function<std::string(const ArtifactFacts&)>& metadata_for,
                   CommitQueue::Hold hold = nullptr) const;

  // The lock that serialises computing one stage call's outputs across processes: the cache's
  // one lock file, and the stage call's key within it (see FileLock).
  std::filesystem::path lock_file() const;
  std::string lock_key(const std::string& record_hash, const std::string& stage) const;

  // Where a stage call's reportables are cached: a JSON list, and a folder for image copies.
  std::filesystem::path reportables_file(const std::string& record_hash, const std::string& stage) const;
  std::filesystem::path reportables_folder(const std::string& record_hash, const std::string& stage) const;

  std::string load(const CacheLocation& location, const OutputSpec& output) const;
  // load() into `out` directly, for the plugin asking for an artifact.
  void load_into(const CacheLocation& location, const OutputSpec& output, cf_sink out) const;
  // What load_into() is expected to write, in bytes; 0 when unknown (see load_size_hint).
  std::uint64_t load_size_hint(const CacheLocation& location, const OutputSpec& output) const;

  // Waits until every saved artifact is durable; throws the first write failure.
  void finish() const { commits_.drain(); }

 private:
  std::filesystem::path folder_;
  std::string prefix_;
  CacherRegistry& cachers_;
  mutable CommitQueue commits_;
};

}  // namespace cf::host
