#include "store/stored_run_json.hpp"

#include "store/run_liveness.hpp"

#include <rapidjson/document.h>

namespace cf::host {

void write_stored_run(PrettyJsonWriter& w, const StoredRun& run) {
  auto field = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  field("reference", run.reference);
  field("experiment", run.experiment);
  w.Key("number");
  w.Int(run.number);
  field("timestamp", run.timestamp);
  field("status", run.status);
  field("error", run.error);
  field("git_commit", run.git_commit);
  w.Key("git_dirty");
  w.Bool(run.git_dirty);
  field("command", run.command);
  field("hostname", run.hostname);
  field("notes", run.notes);
  w.Key("full_store");
  w.Bool(run.full_store);
  field("reproduce", run.reproduce);
  w.Key("pid");
  w.Int64(run.pid);
  // For an incomplete run: whether its process is still running, gone without a word, or
  // unknown (another host); null for a finished run.
  w.Key("process");
  if (const RunProcess process = run_process(run); process == RunProcess::finished) {
    w.Null();
  } else {
    w.String(run_process_name(process));
  }
  w.Key("param_files");
  rapidjson::Document files;
  files.Parse(run.param_files_json.c_str());
  if (files.HasParseError()) {
    w.StartArray();
    w.EndArray();
  } else {
    files.Accept(w);
  }
  w.EndObject();
}

}  // namespace cf::host
