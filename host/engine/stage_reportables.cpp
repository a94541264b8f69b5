#include "engine/stage_reportables.hpp"

#include "cache/atomic_file.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cf::host {
namespace {

std::string json_string(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

void StageReportables::add(const StageNode& node, const std::string& where, bool writes_cache,
                           std::string kind, std::string name, std::string group, std::string payload_json) {
  static const std::set<std::string, std::less<>> kKinds = {"json",  "table", "line_plot",
                                                            "image", "html",  "text"};
  if (!kKinds.contains(kind))
    throw UserError(where + ": reportable '" + name + "' has unknown kind '" + kind + "'");
  if (name.empty() || name.find_first_of("/\\") != std::string::npos) {
    throw UserError(where + ": a reportable needs a name without '/' or '\\', got '" + name + "'");
  }
  rapidjson::Document payload;
  payload.Parse(payload_json.c_str());
  if (payload.HasParseError() || !payload.IsObject()) {
    throw UserError(where + ": reportable '" + name + "' sent a malformed payload");
  }
  if (kind == "image") {
    const auto path = payload.FindMember("path");
    if (path == payload.MemberEnd() || !path->value.IsString() ||
        !std::filesystem::is_regular_file(path->value.GetString())) {
      throw UserError(
          where + ": image reportable '" + name + "': no such file " +
          (path != payload.MemberEnd() && path->value.IsString() ? path->value.GetString() : "?"));
    }
    // A copy in the cache, so the report (and a later cache hit) survive the original's deletion.
    const std::filesystem::path original = path->value.GetString();
    const auto folder = cache_.reportables_folder(node.record_hash, node.call.name);
    if (writes_cache && original.parent_path() != folder) {
      const auto copy = folder / (name + original.extension().string());
      write_file_atomically(copy, [&](const std::filesystem::path& temporary) {
        std::filesystem::copy_file(original, temporary, std::filesystem::copy_options::overwrite_existing);
      });
      payload_json = R"({"path":)" + json_string(copy.string()) + "}";
    }
  }
  std::string qualified = std::to_string(node.call.record) + "_" + node.call.name + "_" + name;
  for (int n = 2; qualified_names_.contains(qualified); ++n) {
    qualified =
        std::to_string(node.call.record) + "_" + node.call.name + "_" + name + "_" + std::to_string(n);
  }
  qualified_names_.insert(qualified);
  of_stage_[node.id].push_back(reportables_.size());
  reportables_.push_back(reports::Reportable{std::move(name), std::move(qualified), std::move(group),
                                             node.call.name, node.call.record, std::move(kind),
                                             std::move(payload_json)});
}

void StageReportables::save(const StageNode& node) const {
  const auto found = of_stage_.find(node.id);
  if (found == of_stage_.end()) return;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const std::size_t index : found->second) {
    const reports::Reportable& item = reportables_[index];
    w.StartObject();
    w.Key("name");
    w.String(item.name.c_str());
    w.Key("group");
    w.String(item.group.c_str());
    w.Key("kind");
    w.String(item.kind.c_str());
    w.Key("payload");
    if (item.kind == "image") {
      // Relative to the cache folder, so a cache that moves (a full store's artifacts) keeps it.
      rapidjson::Document payload;
      payload.Parse(item.payload_json.c_str());
      const std::filesystem::path path = payload["path"].GetString();
      const std::string relative = path.lexically_relative(cache_.folder()).string();
      w.StartObject();
      w.Key("path");
      w.String(relative.c_str());
      w.EndObject();
    } else {
      w.RawValue(item.payload_json.data(), item.payload_json.size(), rapidjson::kObjectType);
    }
    w.EndObject();
  }
  w.EndArray();
  write_text_atomically(cache_.reportables_file(node.record_hash, node.call.name),
                        std::string_view(buffer.GetString(), buffer.GetSize()));
}

void StageReportables::load(const StageNode& node, const std::string& where, bool writes_cache,
                            const std::function<void(cf_log_level, const std::string&)>& log) {
  const auto file = cache_.reportables_file(node.record_hash, node.call.name);
  if (!std::filesystem::is_regular_file(file)) return;
  rapidjson::Document saved;
  const std::string text = read_file(file);
  saved.Parse(text.data(), text.size());
  if (saved.HasParseError() || !saved.IsArray()) {
    log(CF_LOG_WARNING, file.string() + ": unreadable reportables, not shown in the report");
    return;
  }
  for (const auto& item : saved.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item.HasMember("kind") || !item.HasMember("payload"))
      continue;
    rapidjson::StringBuffer payload;
    rapidjson::Writer<rapidjson::StringBuffer> w(payload);
    if (std::string_view(item["kind"].GetString()) == "image" && item["payload"].IsObject() &&
        item["payload"].HasMember("path") && item["payload"]["path"].IsString()) {
      const std::string path =
          (cache_.folder() / item["payload"]["path"].GetString()).lexically_normal().string();
      w.StartObject();
      w.Key("path");
      w.String(path.c_str());
      w.EndObject();
    } else {
      item["payload"].Accept(w);
    }
    try {
      add(node, where, writes_cache, item["kind"].GetString(), item["name"].GetString(),
          item.HasMember("group") && item["group"].IsString() ? item["group"].GetString() : "",
          std::string(payload.GetString(), payload.GetSize()));
    } catch (const UserError& e) {
      log(CF_LOG_WARNING, std::string("a cached reportable is not shown: ") + e.what());
    }
  }
}

std::vector<std::filesystem::path> StageReportables::files(const StageGraph& graph) const {
  std::vector<std::filesystem::path> files;
  for (const auto& [stage, indices] : of_stage_) {
    const StageNode& node = graph.stages()[stage];
    const auto file = cache_.reportables_file(node.record_hash, node.call.name);
    if (std::filesystem::is_regular_file(file)) files.push_back(file);
    const auto folder = cache_.reportables_folder(node.record_hash, node.call.name);
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ignored))
      files.push_back(entry.path());
  }
  return files;
}

}  // namespace cf::host
