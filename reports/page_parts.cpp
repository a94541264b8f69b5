#include "page_parts.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace cf::reports {

std::optional<std::vector<ParamFileSets>> parse_param_files(const std::string& json) {
  if (json.empty()) return std::vector<ParamFileSets>{};
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  if (document.HasParseError() || !document.IsArray()) return std::nullopt;
  std::vector<ParamFileSets> files;
  for (const auto& entry : document.GetArray()) {
    if (!entry.IsObject()) return std::nullopt;
    ParamFileSets file;
    const auto name = entry.FindMember("file");
    if (name == entry.MemberEnd() || !name->value.IsString()) return std::nullopt;
    file.file.assign(name->value.GetString(), name->value.GetStringLength());
    const auto sets = entry.FindMember("sets");
    if (sets != entry.MemberEnd()) {
      if (!sets->value.IsArray()) return std::nullopt;
      for (const auto& set : sets->value.GetArray()) {
        if (!set.IsArray() || set.Size() != 2 || !set[0].IsString() || !set[1].IsString())
          return std::nullopt;
        file.sets.emplace_back(std::string(set[0].GetString(), set[0].GetStringLength()),
                               std::string(set[1].GetString(), set[1].GetStringLength()));
      }
    }
    files.push_back(std::move(file));
  }
  return files;
}

std::string first_line(std::string_view text) {
  const auto end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

std::string status_class(std::string_view status) {
  if (status == "complete" || status == "error" || status == "incomplete" || status == "interrupted") {
    return "cf-status-" + std::string(status);
  }
  return "cf-status-unknown";
}

std::string format_fixed(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  digits = std::clamp(digits, 0, 17);
  // The widest fixed-notation double: 309 integer digits, sign, point and 17 decimals.
  std::array<char, 400> buffer{};
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, digits);
  return std::string(buffer.data(), result.ptr);
}

std::optional<std::string> pretty_json(std::string_view json) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseNanAndInfFlag>(json.data(), json.size());
  if (document.HasParseError()) return std::nullopt;
  return pretty_json(document);
}

std::string pretty_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  // RapidJSON 1.1's PrettyWriter does not compile with write flags, so it cannot write NaN; a
  // value holding one (parsed from a NaN literal) is written compactly instead.
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty(buffer);
  pretty.SetIndent(' ', 2);
  if (value.Accept(pretty)) return std::string(buffer.GetString(), buffer.GetSize());
  buffer.Clear();
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      compact(buffer);
  value.Accept(compact);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool is_commit_id(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string anchor_id(std::string_view text) {
  std::string id;
  id.reserve(text.size());
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
    id += keep ? c : '-';
  }
  return id;
}

}  // namespace cf::reports
