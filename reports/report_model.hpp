// What a run report shows, as plain data: the host fills it from the store, the stage graph and
// the reportables; the renderers in this folder turn it into <reports>/<reference>/index.html.
// Nothing here knows about plugins, SQLite or spdlog.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cf::reports {

// Something a stage reported for people to look at. `payload_json` depends on `kind`:
//   "json"      {"value": <any JSON>}
//   "table"     {"columns": ["a", ...], "rows": [[cell, ...], ...], "precision": 3}
//               (cells are numbers, strings, booleans or null; numbers shown with `precision`
//               digits after the point)
//   "line_plot" {"title": "", "x_label": "", "y_label": "",
//                "series": [{"name": "", "x": [numbers], "y": [numbers]}, ...]}
//   "image"     {"path": "<absolute path of the image file (png, jpg, gif, svg)>"}
//   "html"      {"html": "<raw HTML, inserted as is>"}
//   "text"      {"text": "<plain text, shown preformatted>"}
struct Reportable {
  std::string name;            // as the stage gave it
  std::string qualified_name;  // unique in the run: <record>_<stage>_<name> (what anchors use)
  std::string group;           // reportables of one group are shown together; "" = ungrouped
  std::string stage;
  std::size_t record = 0;
  std::string kind;
  std::string payload_json;
};

struct OutputView {
  std::string name;
  std::string cacher;   // "" when not cached
  std::string path;     // the cache file, "" when not cached
  std::string preview;  // short text of the value, "" when unknown
};

struct StageView {
  std::size_t id = 0;  // position in the run's stage calls
  std::size_t record = 0;
  std::string name;
  std::string action;  // "execute", "load", "skip"
  std::vector<std::string> inputs;
  std::vector<OutputView> outputs;
  // Stage calls whose outputs this one read (edges of the graph), with the artifact's name.
  struct Source {
    std::size_t stage = 0;
    std::string artifact;
  };
  std::vector<Source> sources;
};

struct RecordView {
  std::size_t id = 0;
  std::string name;  // parameter set name, "None" for a record without parameters
  std::string hash;
  std::vector<std::size_t> input_records;  // copied from / aggregated over
};

struct ParamSetView {
  std::string name;
  std::string hash;
  std::string json;  // the complete set
};

// The facts of a run shown in the info block, and everything the index needs. Also written as
// <reports>/<reference>/run.json so the index can be rebuilt from report folders alone.
struct RunSummary {
  std::string reference;
  std::string experiment;
  int number = 0;
  std::string timestamp;  // ISO 8601 local time
  std::string hostname;
  std::string status;  // complete, error, incomplete
  std::string error;
  std::string git_commit;
  bool git_dirty = false;
  std::string param_files_json;  // [{"file": ..., "sets": [[name, hash], ...]}, ...]
  std::string command;
  std::string reproduce;  // "" unless a full store
  bool full_store = false;
  std::string notes;
  std::optional<std::filesystem::path> log_file;  // copied into the report folder as log.txt
};

struct RunReport {
  RunSummary summary;
  std::vector<Reportable> reportables;
  std::vector<RecordView> records;
  std::vector<StageView> stages;
  std::vector<ParamSetView> params;
};

}  // namespace cf::reports
