#include "store/runs_table.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>

namespace cf::host {
namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string json_runs(const std::vector<StoredRun>& runs) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto field = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartArray();
  for (const StoredRun& run : runs) {
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
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

std::string render_runs(const std::vector<StoredRun>& runs, bool json) {
  if (json) return json_runs(runs);
  if (runs.empty()) return "no runs yet\n";
  std::size_t reference_width = std::string("REFERENCE").size();
  for (const StoredRun& run : runs) reference_width = std::max(reference_width, run.reference.size());
  std::string out =
      pad("REFERENCE", reference_width) + "  " + pad("STATUS", 10) + "  " + pad("TIME", 19) + "  NOTES\n";
  for (const StoredRun& run : runs) {
    out += pad(run.reference, reference_width) + "  " + pad(run.status, 10) + "  " + pad(run.timestamp, 19) +
           "  " + first_line(run.notes) + "\n";
  }
  return out;
}

}  // namespace cf::host
