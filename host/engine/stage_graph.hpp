// The host's picture of a run: records and the stage calls made on them, with every input
// resolved to the stage output it reads. Both passes of a DAG run build one; the map pass's
// graph is what decisions are made on, the real pass's must come out the same.
#pragma once

#include "cache/output_spec.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cf::host {

// Output `output` of stage call `stage`.
struct ArtifactSource {
  std::size_t stage = 0;
  std::size_t output = 0;
};

struct RecordEntry {
  std::size_t id = 0;
  std::optional<std::size_t> copy_of;
  std::string set_name = "None";
  std::string params_hash;  // empty for a record without parameters
  std::string params_json;  // the set as JSON, without hash representations
  std::string combo_hash;   // set by an aggregate stage on this record
  // Whether hash() says anything about what the record's stages compute: true with parameters,
  // or once it aggregates at least one record. A record without either (a bare `m.record()`,
  // an aggregate over nothing) is hashed "None" or md5("['None']") whatever its inputs, so the
  // original re-executes its stages every run and so do we.
  bool hash_identifies = false;
  std::vector<std::size_t> input_records;
  std::vector<std::size_t> stages;  // stage calls that shaped its state, oldest first (copies inherit)
  // Artifact name -> the stage output that put it there; nullopt when run() set it directly.
  std::map<std::string, std::optional<ArtifactSource>, std::less<>> state;

  // The hash its cache files are named by.
  const std::string& hash() const;
  // How messages name it: record 3 ('ridge_a').
  std::string describe() const;
};

struct StageCall {
  std::size_t record = 0;
  std::string name;
  bool aggregate = false;
  bool suppress_missing_inputs = false;
  std::vector<std::string> inputs;
  std::vector<OutputSpec> outputs;
  std::vector<std::size_t> input_records;  // aggregate stages
};

struct StageNode {
  std::size_t id = 0;
  StageCall call;
  std::string record_hash;                // the record's hash when the stage was called
  bool reusable = false;                  // the record's hash_identifies then: its cache may be read
  std::vector<std::string> prior_stages;  // names of the record's earlier stages
  std::vector<ArtifactSource> sources;    // every stage output it reads
  std::vector<std::size_t> consumers;     // later stage calls reading one of its outputs
  std::vector<bool> output_used;          // per output: read by a later stage call

  // A goal of the DAG: it has no outputs, or one that no later stage reads.
  bool is_goal() const;
};

class StageGraph {
 public:
  std::size_t add_record(std::string set_name, std::string params_hash, std::string params_json);
  // A copy shares the source's state and stage history; it lists the source as input record.
  std::size_t copy_record(std::size_t source, std::optional<RecordEntry> parameters);
  void set_artifact(std::size_t record, const std::string& artifact);
  // Adds a stage call and resolves its inputs. A missing input of a plain stage throws UserError
  // (unless suppressed); for an aggregate it adds a line to `warnings`.
  std::size_t add_stage(StageCall call, std::vector<std::string>& warnings);

  const std::vector<RecordEntry>& records() const { return records_; }
  const std::vector<StageNode>& stages() const { return stages_; }
  const RecordEntry& record(std::size_t id) const;

 private:
  std::vector<RecordEntry> records_;
  std::vector<StageNode> stages_;
};

// "stage 'fit' on record 3 ('ridge_a')"
std::string describe_call(const StageCall& call, const RecordEntry& record);

}  // namespace cf::host
