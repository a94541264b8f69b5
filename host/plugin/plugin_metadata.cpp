#include "plugin/plugin_metadata.hpp"

#include "plugin/elf_section.hpp"
#include "util/error.hpp"
#include "util/printable.hpp"

#include <curifactory/abi.h>

#include <rapidjson/document.h>

namespace cf::host {
namespace {

std::string string_member(const rapidjson::Value& record, const char* key) {
  const auto it = record.FindMember(key);
  if (it == record.MemberEnd()) return {};
  if (!it->value.IsString())
    throw UserError(std::string("corrupt metadata (\"") + key + "\" is not a string)");
  return {it->value.GetString(), it->value.GetStringLength()};
}

// The "sources" record's lines, each made absolute against "source_dir" when it is relative
// (CMake keeps a target's sources as they were written).
std::vector<std::filesystem::path> source_list(std::string_view lines, const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> sources;
  while (!lines.empty()) {
    const auto end = lines.find('\n');
    const std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (line.empty()) continue;
    const std::filesystem::path source(line);
    sources.push_back(source.is_relative() && !folder.empty() ? (folder / source).lexically_normal()
                                                              : source);
  }
  return sources;
}

}  // namespace

PluginMetadata parse_plugin_metadata(std::string_view section) {
  PluginMetadata metadata;
  bool any_record = false;
  while (!section.empty()) {
    const auto end = section.find('\0');
    const std::string_view text = section.substr(0, end);
    section.remove_prefix(end == std::string_view::npos ? section.size() : end + 1);
    if (text.empty()) continue;  // alignment padding between records

    rapidjson::Document record;
    record.Parse(text.data(), text.size());
    if (record.HasParseError() || !record.IsObject()) throw UserError("corrupt metadata (malformed record)");
    const auto abi = record.FindMember("curifactory_abi");
    if (abi == record.MemberEnd() || !abi->value.IsInt64()) {
      throw UserError("corrupt metadata (record without \"curifactory_abi\")");
    }
    const long version = static_cast<long>(abi->value.GetInt64());
    if (any_record && version != metadata.abi_version) {
      throw UserError("corrupt metadata (records of different ABI versions; mixed SDK releases?)");
    }
    metadata.abi_version = version;
    any_record = true;
    if (auto sdk = string_member(record, "sdk"); !sdk.empty()) metadata.sdk_version = std::move(sdk);
    if (auto description = string_member(record, "description"); !description.empty()) {
      metadata.description = std::move(description);
    }
    if (const auto sources = string_member(record, "sources"); !sources.empty()) {
      metadata.sources = source_list(sources, string_member(record, "source_dir"));
    }
    const std::string kind = string_member(record, "kind");
    if (kind == "experiment") {
      metadata.is_experiment = true;
      metadata.source = string_member(record, "source");
    } else if (kind == "params") {
      metadata.is_params = true;
    } else if (kind == "cacher") {
      metadata.is_cacher = true;
      metadata.cacher_name = string_member(record, "name");
    } else if (!kind.empty()) {
      throw UserError("unknown plugin kind '" + printable(kind) + "'");
    }
  }
  if (!any_record) throw UserError("empty curifactory metadata section");
  return metadata;
}

PluginMetadata read_plugin_metadata(const std::filesystem::path& file) {
  auto metadata = read_plugin_metadata_if_any(file);
  if (!metadata) throw UserError("not a curifactory plugin (no " CF_METADATA_SECTION " metadata section)");
  return std::move(*metadata);
}

std::optional<PluginMetadata> read_plugin_metadata_if_any(const std::filesystem::path& file) {
  const auto section = read_elf_section(file, CF_METADATA_SECTION);
  if (!section) return std::nullopt;
  PluginMetadata metadata = parse_plugin_metadata(*section);
  if (metadata.abi_version != CF_ABI_VERSION) {
    throw UserError("built for plugin ABI version " + std::to_string(metadata.abi_version) +
                    " but this experiment host supports version " + std::to_string(CF_ABI_VERSION) +
                    "; rebuild it against this SDK");
  }
  return metadata;
}

}  // namespace cf::host
