#include "cache/artifact_cache.hpp"

#include "cache/artifact_preview.hpp"
#include "cache/atomic_file.hpp"
#include "cache/cache_metadata.hpp"
#include "cache/cacher_registry.hpp"
#include "cache/checksum.hpp"

#include <curifactory/abi.h>

namespace cf::host {

ArtifactCache::ArtifactCache(std::filesystem::path folder, std::string prefix, CacherRegistry& cachers)
    : folder_(std::move(folder)), prefix_(std::move(prefix)), cachers_(cachers) {}

CacheLocation ArtifactCache::locate(const std::string& record_hash, const std::string& stage,
                                    const OutputSpec& output) const {
  const std::string extension = cachers_.get(output.cacher).extension;
  const std::string stem = prefix_ + "_" + record_hash + "_" + stage + "_" + output.name;
  const std::filesystem::path folder = output.subdir.empty() ? folder_ : folder_ / output.subdir;
  return CacheLocation{folder / (stem + extension), folder / (stem + "_metadata.json")};
}

CacheStatus ArtifactCache::check(const CacheLocation& location, std::string_view from_run) const {
  CacheStatus status;
  std::error_code error;
  const bool has_data = std::filesystem::is_regular_file(location.data, error);
  const bool has_metadata = std::filesystem::exists(location.metadata, error);
  if (!has_data && !has_metadata) {
    status.problem = "not cached";
    return status;
  }
  // One half of a pair is damage (a deleted file, an interrupted write): reported, not silent.
  if (!has_data) {
    status.state = CacheState::corrupt;
    status.problem = "its metadata is there but the file is not";
    return status;
  }
  if (!has_metadata) {
    status.state = CacheState::corrupt;
    status.problem = "the file is there but its metadata is not";
    return status;
  }
  std::string problem;
  const auto stored = read_metadata(location.metadata, problem);
  if (!stored) {
    status.state = CacheState::corrupt;
    status.problem = problem;
    return status;
  }
  if (!from_run.empty() && stored->run_reference != from_run) {
    status.problem = "produced by run " + stored->run_reference;
    return status;
  }
  const auto size = std::filesystem::file_size(location.data, error);
  if (error || size != stored->size) {
    status.state = CacheState::corrupt;
    status.problem = "size " + std::to_string(error ? 0 : size) + " bytes, the metadata says " +
                     std::to_string(stored->size) + " (truncated or replaced)";
    return status;
  }
  if (file_checksum(location.data) != stored->checksum) {
    status.state = CacheState::corrupt;
    status.problem = "checksum mismatch (the file changed after it was written)";
    return status;
  }
  status.state = CacheState::valid;
  status.run_reference = stored->run_reference;
  return status;
}

std::filesystem::path ArtifactCache::reportables_file(const std::string& record_hash,
                                                      const std::string& stage) const {
  return folder_ / (prefix_ + "_" + record_hash + "_" + stage + "_reportables.json");
}

std::filesystem::path ArtifactCache::reportables_folder(const std::string& record_hash,
                                                        const std::string& stage) const {
  return folder_ / (prefix_ + "_" + record_hash + "_" + stage + "_reportables");
}

std::filesystem::path ArtifactCache::lock_file() const {
  return folder_ / ".locks" / "stages";
}

std::string ArtifactCache::lock_key(const std::string& record_hash, const std::string& stage) const {
  return prefix_ + "_" + record_hash + "_" + stage;
}

std::string ArtifactCache::save(const CacheLocation& location, const OutputSpec& output,
                                std::string_view artifact,
                                const std::function<std::string(const ArtifactFacts&)>& metadata_for,
                                CommitQueue::Hold hold) const {
  const cf_cacher_api& cacher = cachers_.get(output.cacher);
  ArtifactFacts facts;
  facts.extension = cacher.extension;
  facts.preview = artifact_preview(artifact);
  const auto data = write_temporary(location.data, [&](const std::filesystem::path& temporary) {
    host::save(cacher, temporary, artifact, output.cacher_options_json);
    facts.checksum = file_checksum(temporary);
    facts.size = std::filesystem::file_size(temporary);
  });
  std::filesystem::path metadata;
  try {
    metadata = write_text_temporary(location.metadata, metadata_for(facts));
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(data, ignored);
    throw;
  }
  commits_.submit({{data, location.data}, {metadata, location.metadata}}, std::move(hold));
  return facts.preview;
}

std::string ArtifactCache::load(const CacheLocation& location, const OutputSpec& output) const {
  return host::load(cachers_.get(output.cacher), location.data, output.cacher_options_json);
}

std::uint64_t ArtifactCache::load_size_hint(const CacheLocation& location, const OutputSpec& output) const {
  return host::load_size_hint(cachers_.get(output.cacher), location.data, output.cacher_options_json);
}

void ArtifactCache::load_into(const CacheLocation& location, const OutputSpec& output, cf_sink out) const {
  host::load_into(cachers_.get(output.cacher), location.data, output.cacher_options_json, out);
}

}  // namespace cf::host
