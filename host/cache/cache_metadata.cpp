#include "cache/cache_metadata.hpp"

#include "cache/atomic_file.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace cf::host {

std::string metadata_json(const ArtifactOrigin& origin, const OutputSpec& spec, const ArtifactFacts& facts) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto string = [&](const std::string& text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  auto key_string = [&](const char* key, const std::string& text) {
    w.Key(key);
    string(text);
  };
  w.StartObject();
  key_string("artifact_generated", origin.generated);
  w.Key("run");
  w.StartObject();
  key_string("experiment", origin.experiment);
  key_string("reference", origin.run_reference);
  w.Key("number");
  if (origin.run_number) {
    w.Int(*origin.run_number);
  } else {
    w.Null();
  }
  key_string("hostname", origin.hostname);
  key_string("command", origin.command_line);
  w.EndObject();
  key_string("params_hash", origin.params_hash);
  key_string("params_name", origin.params_name);
  w.Key("record");
  w.Uint64(origin.record);
  key_string("record_hash", origin.record_hash);
  key_string("stage", origin.stage);
  key_string("artifact_name", spec.name);
  key_string("cacher", spec.cacher);
  w.Key("cacher_options");
  rapidjson::Document options;
  options.Parse(spec.options_json.c_str());
  if (options.HasParseError()) {
    w.StartObject();
    w.EndObject();
  } else {
    options.Accept(w);
  }
  key_string("extension", facts.extension);
  w.Key("lazy");
  w.Bool(spec.lazy);
  w.Key("prior_stages");
  w.StartArray();
  for (const auto& name : origin.prior_stages) string(name);
  w.EndArray();
  w.Key("prior_records");
  w.StartArray();
  for (const auto& hash : origin.prior_records) string(hash);
  w.EndArray();
  key_string("params", origin.params);
  key_string("preview", facts.preview);
  w.Key("size");
  w.Uint64(facts.size);
  key_string("checksum", facts.checksum);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::optional<StoredMetadata> read_metadata(const std::filesystem::path& path, std::string& problem) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    problem = "no metadata file";
    return std::nullopt;
  }
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    problem = e.what();
    return std::nullopt;
  }
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject()) {
    problem = "the metadata file is not valid JSON";
    return std::nullopt;
  }
  StoredMetadata stored;
  const auto checksum = document.FindMember("checksum");
  const auto size = document.FindMember("size");
  if (checksum == document.MemberEnd() || !checksum->value.IsString() || size == document.MemberEnd() ||
      !size->value.IsUint64()) {
    problem = "the metadata file has no checksum or size";
    return std::nullopt;
  }
  stored.checksum = checksum->value.GetString();
  stored.size = size->value.GetUint64();
  if (const auto preview = document.FindMember("preview");
      preview != document.MemberEnd() && preview->value.IsString()) {
    stored.preview = preview->value.GetString();
  }
  const auto run = document.FindMember("run");
  if (run != document.MemberEnd() && run->value.IsObject()) {
    const auto reference = run->value.FindMember("reference");
    if (reference != run->value.MemberEnd() && reference->value.IsString()) {
      stored.run_reference = reference->value.GetString();
    }
  }
  return stored;
}

}  // namespace cf::host
