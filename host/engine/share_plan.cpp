#include "engine/share_plan.hpp"

#include "cache/atomic_file.hpp"
#include "config/config.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cf::host {
namespace {

std::string text_member(const rapidjson::Value& object, const char* key, const std::string& where) {
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString())
    throw UserError(where + ": malformed share plan (no \"" + key + "\")");
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

std::string share_key(const std::string& record_hash, const std::string& stage) {
  return record_hash + "\t" + stage;
}

SharePlan make_share_plan(const RunInfo& run, const StageGraph* graph,
                          const std::vector<StageDecision>& decisions, const std::vector<Forcing>& forcing) {
  SharePlan plan;
  plan.run = run;
  if (graph == nullptr) return plan;
  plan.executes.emplace();
  for (const StageNode& node : graph->stages()) {
    if (node.id >= decisions.size() || decisions[node.id].action != StageAction::execute) continue;
    bool& is_forced = (*plan.executes)[share_key(node.record_hash, node.call.name)];
    is_forced = is_forced || (node.id < forcing.size() && forcing[node.id].forced);
  }
  return plan;
}

void write_share_plan(const std::filesystem::path& file, const SharePlan& plan) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto string = [&](const std::string& text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  w.StartObject();
  w.Key("experiment");
  string(plan.run.experiment);
  w.Key("reference");
  string(plan.run.reference);
  w.Key("number");
  if (plan.run.number) {
    w.Int(*plan.run.number);
  } else {
    w.Null();
  }
  w.Key("timestamp");
  string(plan.run.timestamp);
  w.Key("command");
  string(plan.run.command_line);
  w.Key("executes");
  if (plan.executes) {
    w.StartArray();
    for (const auto& [key, forced] : *plan.executes) {
      const auto tab = key.find('\t');
      w.StartObject();
      w.Key("record_hash");
      string(key.substr(0, tab));
      w.Key("stage");
      string(key.substr(tab + 1));
      w.Key("forced");
      w.Bool(forced);
      w.EndObject();
    }
    w.EndArray();
  } else {
    w.Null();
  }
  w.EndObject();
  write_text_atomically(file, std::string_view(buffer.GetString(), buffer.GetSize()));
}

SharePlan read_share_plan(const std::filesystem::path& file) {
  const std::string where = "--share-plan " + display_path(file);
  std::string text;
  try {
    text = read_file(file);
  } catch (const UserError& e) {
    throw UserError("--share-plan: " + std::string(e.what()));
  }
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject())
    throw UserError(where + ": malformed share plan (not a JSON object)");
  SharePlan plan;
  plan.run.experiment = text_member(document, "experiment", where);
  plan.run.reference = text_member(document, "reference", where);
  plan.run.timestamp = text_member(document, "timestamp", where);
  plan.run.command_line = text_member(document, "command", where);
  if (const auto number = document.FindMember("number");
      number != document.MemberEnd() && number->value.IsInt()) {
    plan.run.number = number->value.GetInt();
  }
  const auto executes = document.FindMember("executes");
  if (executes == document.MemberEnd()) throw UserError(where + ": malformed share plan (no \"executes\")");
  if (executes->value.IsNull()) return plan;
  if (!executes->value.IsArray())
    throw UserError(where + ": malformed share plan (\"executes\" is not a list)");
  plan.executes.emplace();
  for (const auto& entry : executes->value.GetArray()) {
    if (!entry.IsObject()) throw UserError(where + ": malformed share plan (an entry is not an object)");
    const auto forced = entry.FindMember("forced");
    (*plan.executes)[share_key(text_member(entry, "record_hash", where),
                               text_member(entry, "stage", where))] =
        forced != entry.MemberEnd() && forced->value.IsBool() && forced->value.GetBool();
  }
  return plan;
}

}  // namespace cf::host
