#include "run_summary_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cf::reports {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Reads one field into `out` when present; false when present with the wrong type.
bool get(const rapidjson::Value& object, const char* key, std::string& out) {
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd()) return true;
  if (!member->value.IsString()) return false;
  out.assign(member->value.GetString(), member->value.GetStringLength());
  return true;
}

bool get(const rapidjson::Value& object, const char* key, bool& out) {
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd()) return true;
  if (!member->value.IsBool()) return false;
  out = member->value.GetBool();
  return true;
}

bool get(const rapidjson::Value& object, const char* key, int& out) {
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd()) return true;
  if (!member->value.IsInt()) return false;
  out = member->value.GetInt();
  return true;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::string run_summary_to_json(const RunSummary& summary) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  put(w, "reference", summary.reference);
  put(w, "experiment", summary.experiment);
  w.Key("number");
  w.Int(summary.number);
  put(w, "timestamp", summary.timestamp);
  put(w, "hostname", summary.hostname);
  put(w, "status", summary.status);
  put(w, "error", summary.error);
  put(w, "git_commit", summary.git_commit);
  w.Key("git_dirty");
  w.Bool(summary.git_dirty);
  w.Key("param_files");
  rapidjson::Document files;
  files.Parse(summary.param_files_json.c_str(), summary.param_files_json.size());
  if (!summary.param_files_json.empty() && !files.HasParseError()) {
    files.Accept(w);
  } else {
    // Kept as text so nothing the store recorded is lost, even when it is not JSON.
    w.String(summary.param_files_json.data(),
             static_cast<rapidjson::SizeType>(summary.param_files_json.size()));
  }
  put(w, "command", summary.command);
  put(w, "reproduce", summary.reproduce);
  w.Key("full_store");
  w.Bool(summary.full_store);
  put(w, "notes", summary.notes);
  w.Key("log_file");
  if (summary.log_file) {
    const auto log = summary.log_file->string();
    w.String(log.data(), static_cast<rapidjson::SizeType>(log.size()));
  } else {
    w.Null();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::optional<RunSummary> run_summary_from_json(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  const auto has_string = [&](const char* key) {
    const auto member = document.FindMember(key);
    return member != document.MemberEnd() && member->value.IsString();
  };
  if (!has_string("reference") || !has_string("experiment")) return std::nullopt;

  RunSummary s;
  const bool ok = get(document, "reference", s.reference) && get(document, "experiment", s.experiment) &&
                  get(document, "number", s.number) && get(document, "timestamp", s.timestamp) &&
                  get(document, "hostname", s.hostname) && get(document, "status", s.status) &&
                  get(document, "error", s.error) && get(document, "git_commit", s.git_commit) &&
                  get(document, "git_dirty", s.git_dirty) && get(document, "command", s.command) &&
                  get(document, "reproduce", s.reproduce) && get(document, "full_store", s.full_store) &&
                  get(document, "notes", s.notes);
  if (!ok) return std::nullopt;

  const auto files = document.FindMember("param_files");
  if (files != document.MemberEnd()) {
    if (files->value.IsString()) {
      s.param_files_json.assign(files->value.GetString(), files->value.GetStringLength());
    } else if (files->value.IsArray()) {
      s.param_files_json = compact(files->value);
    } else {
      return std::nullopt;
    }
  }
  const auto log = document.FindMember("log_file");
  if (log != document.MemberEnd() && !log->value.IsNull()) {
    if (!log->value.IsString()) return std::nullopt;
    s.log_file = std::filesystem::path(std::string(log->value.GetString(), log->value.GetStringLength()));
  }
  return s;
}

}  // namespace cf::reports
