// The JSON file beside every cached artifact: what produced it (run, record, stage, params),
// a short preview, and the checksum a later run verifies before trusting the file.
#pragma once

#include "cache/output_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cf::host {

// Where an artifact came from, in the terms the metadata file records.
struct ArtifactOrigin {
  std::string generated;  // ISO 8601 local time
  std::string experiment;
  std::string run_reference;
  std::optional<int> run_number;
  std::string hostname;
  std::string command_line;
  std::string params_hash;  // "None" for a record without parameters
  std::string params_name;
  std::string params;  // the set as JSON text, "None" without parameters
  std::size_t record = 0;
  std::string record_hash;
  std::string stage;
  std::vector<std::string> prior_stages;
  std::vector<std::string> prior_records;  // hashes of the record's input records
};

struct ArtifactFacts {
  std::string extension;
  std::string preview;
  std::string checksum;
  std::uintmax_t size = 0;
};

// The metadata document of one cached output.
std::string metadata_json(const ArtifactOrigin& origin, const OutputSpec& output, const ArtifactFacts& facts);

// What a run needs back from a metadata file to trust the artifact beside it.
struct StoredMetadata {
  std::string checksum;
  std::uintmax_t size = 0;
  std::string run_reference;
  std::string preview;
};

// Reads `path`; nullopt with `problem` set when it is missing, unreadable or malformed.
std::optional<StoredMetadata> read_metadata(const std::filesystem::path& path, std::string& problem);

}  // namespace cf::host
