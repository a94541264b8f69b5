#include "params/yaml_file.hpp"

#include "config/config.hpp"
#include "util/error.hpp"
#include "util/printable.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

namespace cf::host {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

using Json = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";
const std::string kStrTag = "tag:yaml.org,2002:str";
const std::string kNullTag = "tag:yaml.org,2002:null";
const std::string kBoolTag = "tag:yaml.org,2002:bool";
const std::string kIntTag = "tag:yaml.org,2002:int";
const std::string kFloatTag = "tag:yaml.org,2002:float";
const std::string kSeqTag = "tag:yaml.org,2002:seq";
const std::string kMapTag = "tag:yaml.org,2002:map";

// A recursive alias (`&a [*a]`) makes yaml-cpp build a cyclic graph; this bound turns it into
// an error instead of a stack overflow, and is far deeper than any real parameter struct.
constexpr int kMaxDepth = 100;

// Every generated set is held in memory at once, so a sweep listing a few long value lists by
// mistake must fail rather than exhaust it.
constexpr std::size_t kMaxSweepSets = 100000;

int line_of(const YAML::Mark& mark) {
  return mark.is_null() ? 1 : mark.line + 1;
}
int line_of(const YAML::Node& node) {
  return line_of(node.Mark());
}

// yaml-cpp spells the core tags out in full; users write them as !!int.
std::string shown_tag(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) return "!!" + tag.substr(kCoreTagPrefix.size());
  return tag;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "null";
  }
}

std::string compact_json(const Json& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// Plain character tests rather than <cctype>, whose answers depend on the locale.
bool is_digits(std::string_view text, int base) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool decimal = c >= '0' && c <= (base == 8 ? '7' : '9');
    const bool hex = base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!decimal && !hex) return false;
  }
  return true;
}

// The YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  const auto exponent_at = text.find_first_of("eE");
  if (exponent_at != std::string_view::npos) {
    std::string_view exponent = text.substr(exponent_at + 1);
    if (!exponent.empty() && (exponent.front() == '+' || exponent.front() == '-')) exponent.remove_prefix(1);
    if (!is_digits(exponent, 10)) return false;
    text = text.substr(0, exponent_at);
  }
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return is_digits(text, 10);
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return false;
  return (whole.empty() || is_digits(whole, 10)) && (fraction.empty() || is_digits(fraction, 10));
}

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> options) {
  for (const auto option : options) {
    if (text == option) return true;
  }
  return false;
}

// A mapping entry whose key has been checked to be a scalar, unique within its mapping.
struct Entry {
  std::string key;
  int line;
  YAML::Node value;
};

struct SweptField {
  std::string path;
  std::vector<Json> values;
  std::vector<std::string> texts;  // as they appear in generated names
  std::vector<int> lines;
};

struct BaseField {
  std::string path;
  int line;
  Json value;
};

class Reader {
 public:
  explicit Reader(std::string shown_path) : shown_path_(std::move(shown_path)) {}

  [[noreturn]] void fail(int line, const std::string& reason) const {
    // Reasons quote the file (a key, a value, the character yaml-cpp names in "unknown escape
    // character: X"), which may hold any byte; the message must stay on one line.
    throw UserError(shown_path_ + ": line " + std::to_string(line) + ": " + printable(reason));
  }

  void read_document(const YAML::Node& root) {
    if (!root.IsSequence()) fail(line_of(root), "expected a list of parameter sets, found " + describe(root));
    for (const auto& item : root) {
      if (!item.IsMap()) fail(line_of(item), "a parameter set must be a mapping, found " + describe(item));
      const std::vector<Entry> fields = entries(item);
      bool is_sweep = false;
      for (const auto& field : fields) is_sweep = is_sweep || field.key == "sweep";
      if (is_sweep) {
        add_sweep(item, fields);
      } else {
        add_set(item, fields);
      }
    }
  }

  YamlParamSets finish() {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    sets_.Accept(writer);
    result_.json.assign(buffer.GetString(), buffer.GetSize());
    return std::move(result_);
  }

 private:
  std::vector<Entry> entries(const YAML::Node& mapping) const {
    std::vector<Entry> result;
    std::set<std::string> seen;
    for (const auto& pair : mapping) {
      const YAML::Node& key = pair.first;
      if (key.IsNull()) fail(line_of(key), "a mapping key is empty or null");
      if (!key.IsScalar()) fail(line_of(key), "mapping keys must be scalars, found " + describe(key));
      if (!seen.insert(key.Scalar()).second) fail(line_of(key), "duplicate key '" + key.Scalar() + "'");
      result.push_back({key.Scalar(), line_of(key), pair.second});
    }
    return result;
  }

  Json string(std::string_view text) {
    return Json(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc_);
  }

  Json convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) {
      fail(line_of(node), "nested deeper than " + std::to_string(kMaxDepth) + " levels (a recursive alias?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Sequence: {
        check_collection_tag(node, kSeqTag);
        Json array(rapidjson::kArrayType);
        for (const auto& item : node) array.PushBack(convert(item, depth + 1), alloc_);
        return array;
      }
      case YAML::NodeType::Map: {
        check_collection_tag(node, kMapTag);
        Json object(rapidjson::kObjectType);
        for (const auto& entry : entries(node)) {
          object.AddMember(string(entry.key), convert(entry.value, depth + 1), alloc_);
        }
        return object;
      }
      default:
        return Json(rapidjson::kNullType);
    }
  }

  void check_collection_tag(const YAML::Node& node, const std::string& allowed) const {
    if (node.Tag() != "?" && node.Tag() != allowed) {
      fail(line_of(node), "unsupported tag '" + shown_tag(node.Tag()) + "'");
    }
  }

  Json scalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    // yaml-cpp tags quoted scalars "!", the non-specific tag that makes them strings.
    if (tag == "!" || tag == kStrTag) return string(text);
    if (tag != "?" && tag != kNullTag && tag != kBoolTag && tag != kIntTag && tag != kFloatTag) {
      fail(line_of(node), "unsupported tag '" + shown_tag(tag) + "'");
    }
    Json value = plain_scalar(text, line_of(node));
    const bool is_integer = value.IsNumber() && !value.IsDouble();
    const bool matches_tag = tag == "?" || (tag == kNullTag && value.IsNull()) ||
                             (tag == kBoolTag && value.IsBool()) || (tag == kIntTag && is_integer) ||
                             (tag == kFloatTag && value.IsNumber());
    if (!matches_tag) fail(line_of(node), "'" + text + "' is not a valid " + shown_tag(tag));
    if (tag == kFloatTag && is_integer) value.SetDouble(value.GetDouble());
    return value;
  }

  // Core-schema resolution of an untagged plain scalar.
  Json plain_scalar(const std::string& text, int line) {
    if (is_one_of(text, {"true", "True", "TRUE"})) return Json(true);
    if (is_one_of(text, {"false", "False", "FALSE"})) return Json(false);
    if (is_one_of(text, {"", "~", "null", "Null", "NULL"})) return Json(rapidjson::kNullType);
    if (auto number = integer(text, line)) return std::move(*number);
    if (is_core_float(text)) return floating(text, line);
    if (is_one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"})) {
      fail(line, "'" + text + "' is infinite, which JSON cannot hold");
    }
    if (is_one_of(text, {".nan", ".NaN", ".NAN"}))
      fail(line, "'" + text + "' is not a number, which JSON cannot hold");
    return string(text);
  }

  // Empty when the text is not an integer at all; an integer beyond 64 bits is an error.
  std::optional<Json> integer(std::string_view text, int line) const {
    int base = 10;
    bool negative = false;
    std::string_view digits = text;
    if (digits.starts_with("0x")) {
      base = 16;
      digits.remove_prefix(2);
    } else if (digits.starts_with("0o")) {
      base = 8;
      digits.remove_prefix(2);
    } else if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
      negative = digits.front() == '-';
      digits.remove_prefix(1);
    }
    if (!is_digits(digits, base)) return std::nullopt;

    std::uint64_t magnitude = 0;
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    constexpr auto kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (parsed.ec != std::errc() || (negative && magnitude > kInt64Max + 1)) {
      fail(line, "integer '" + std::string(text) + "' does not fit in 64 bits");
    }
    if (!negative) {
      if (magnitude <= kInt64Max) return Json(static_cast<std::int64_t>(magnitude));
      return Json(magnitude);
    }
    // Negating in unsigned arithmetic keeps -2^63, which has no positive int64, well defined.
    return Json(static_cast<std::int64_t>(0 - magnitude));
  }

  Json floating(std::string_view text, int line) const {
    const std::string_view number = text.front() == '+' ? text.substr(1) : text;  // from_chars rejects '+'
    double value = 0;
    const auto parsed = std::from_chars(number.data(), number.data() + number.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != number.data() + number.size()) {
      fail(line, "'" + std::string(text) + "' is out of range for a double");
    }
    return Json(value);
  }

  void add_set(const YAML::Node& item, const std::vector<Entry>& fields) {
    Json set(rapidjson::kObjectType);
    std::map<std::string, int> lines;
    for (const auto& field : fields) {
      set.AddMember(string(field.key), convert(field.value, 1), alloc_);
      lines[field.key] = field.line;
    }
    push(line_of(item), std::move(set), std::move(lines));
  }

  void add_sweep(const YAML::Node& item, const std::vector<Entry>& keys) {
    const Entry* sweep = nullptr;
    const Entry* base = nullptr;
    const Entry* name = nullptr;
    for (const auto& key : keys) {
      if (key.key == "sweep") {
        sweep = &key;
      } else if (key.key == "base") {
        base = &key;
      } else if (key.key == "name") {
        name = &key;
      } else {
        fail(key.line, "unknown key '" + key.key + "' in a sweep item (allowed: sweep, base, name)");
      }
    }

    std::string prefix;
    if (name != nullptr) {
      if (!name->value.IsScalar() || name->value.Scalar().empty()) {
        fail(name->line, "a sweep's 'name' must be a non-empty scalar");
      }
      prefix = name->value.Scalar() + "-";
    }

    std::vector<BaseField> shared;
    if (base != nullptr) {
      if (!base->value.IsMap()) fail(base->line, "a sweep's 'base' must be a mapping of fields");
      for (const auto& field : entries(base->value)) {
        check_path(field.key, field.line);
        shared.push_back({field.key, field.line, convert(field.value, 1)});
      }
    }

    if (!sweep->value.IsMap()) fail(sweep->line, "'sweep' must be a mapping from field to a list of values");
    std::vector<SweptField> axes;
    for (const auto& field : entries(sweep->value)) {
      check_path(field.key, field.line);
      if (!field.value.IsSequence() || field.value.size() == 0) {
        fail(field.line, "sweep field '" + field.key + "' needs a non-empty list of values");
      }
      SweptField axis{field.key, {}, {}, {}};
      for (const auto& value : field.value) {
        Json json = convert(value, 1);
        std::string text = value.IsScalar() ? value.Scalar() : compact_json(json);
        for (const auto& earlier : axis.texts) {
          if (earlier == text)
            fail(line_of(value), "sweep field '" + field.key + "' lists '" + text + "' twice");
        }
        axis.values.push_back(std::move(json));
        axis.texts.push_back(std::move(text));
        axis.lines.push_back(line_of(value));
      }
      axes.push_back(std::move(axis));
    }
    if (axes.empty()) fail(sweep->line, "'sweep' must list at least one field");

    std::size_t total = 1;
    for (const auto& axis : axes) {
      if (total > kMaxSweepSets / axis.values.size()) {
        fail(sweep->line, "the sweep generates more than " + std::to_string(kMaxSweepSets) + " sets");
      }
      total *= axis.values.size();
    }

    const int name_line = name != nullptr ? name->line : sweep->line;
    std::vector<std::size_t> index(axes.size(), 0);
    // Distinct values per field can still collide once joined ("a-b_c" vs "a", "c"), and two
    // sets sharing a name would be indistinguishable to `-n`.
    std::set<std::string> names;
    for (std::size_t generated = 0; generated < total; ++generated) {
      std::string set_name = prefix;
      for (std::size_t i = 0; i < axes.size(); ++i) {
        if (i > 0) set_name += '-';
        set_name += axes[i].path + '_' + axes[i].texts[index[i]];
      }
      if (!names.insert(set_name).second) {
        fail(sweep->line, "the sweep generates the set name '" + set_name + "' twice");
      }

      Json set(rapidjson::kObjectType);
      std::map<std::string, int> lines;
      set.AddMember("name", string(set_name), alloc_);
      lines["name"] = name_line;
      for (const auto& field : shared) {
        set_path(set, field.path, Json(field.value, alloc_), field.line);
        lines[top_level(field.path)] = field.line;
      }
      for (std::size_t i = 0; i < axes.size(); ++i) {
        const int line = axes[i].lines[index[i]];
        set_path(set, axes[i].path, Json(axes[i].values[index[i]], alloc_), line);
        lines[top_level(axes[i].path)] = line;
      }
      push(line_of(item), std::move(set), std::move(lines));

      // The last field varies fastest, so the sets come out in the order the keys are written.
      for (std::size_t i = axes.size(); i-- > 0;) {
        if (++index[i] < axes[i].values.size()) break;
        index[i] = 0;
      }
    }
  }

  static std::string top_level(const std::string& path) { return path.substr(0, path.find('.')); }

  void check_path(const std::string& path, int line) const {
    if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos) {
      fail(line, "'" + path + "' is not a valid field path");
    }
    if (top_level(path) == "name") fail(line, "a sweep cannot set 'name'; it names each generated set");
  }

  // Sets the field at a dotted path, creating the nested objects on the way.
  void set_path(Json& object, const std::string& path, Json value, int line) {
    Json* target = &object;
    std::size_t start = 0;
    for (auto dot = path.find('.'); dot != std::string::npos; start = dot + 1, dot = path.find('.', start)) {
      const std::string_view part(path.data() + start, dot - start);
      auto member = target->FindMember(Json(rapidjson::StringRef(part.data(), part.size())));
      if (member == target->MemberEnd()) {
        target->AddMember(string(part), Json(rapidjson::kObjectType), alloc_);
        member = target->MemberEnd() - 1;
      } else if (!member->value.IsObject()) {
        fail(line,
             "'" + path + "' sets a field inside '" + path.substr(0, dot) + "', which is not a mapping");
      }
      target = &member->value;
    }
    const std::string_view leaf(path.data() + start, path.size() - start);
    auto member = target->FindMember(Json(rapidjson::StringRef(leaf.data(), leaf.size())));
    if (member == target->MemberEnd()) {
      target->AddMember(string(leaf), value, alloc_);
    } else {
      member->value = value;
    }
  }

  void push(int line, Json set, std::map<std::string, int> lines) {
    sets_.PushBack(set, alloc_);
    result_.set_lines.push_back(line);
    result_.key_lines.push_back(std::move(lines));
  }

  std::string shown_path_;
  rapidjson::Document sets_{rapidjson::kArrayType};
  Allocator& alloc_ = sets_.GetAllocator();
  YamlParamSets result_;
};

// Counts a stream's documents and notes where each starts, building nothing. It replaces
// YAML::LoadAll, which in yaml-cpp 0.7 never returns on some malformed input (a stray ',' at
// the top level, found by fuzzing): the parser reports an empty document there without
// consuming anything, and LoadAll asks it again forever (jbeder/yaml-cpp#1040, fixed upstream
// after 0.8 by stopping at the first empty document, as count_documents does).
class DocumentCounter : public YAML::EventHandler {
 public:
  bool empty() const { return !first_mark_; }  // the document's root is null
  // Where the root node starts, or the document when the root is null.
  YAML::Mark first_mark() const { return first_mark_.value_or(start_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    first_mark_.reset();
    started_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, /*null=*/true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark, bool null = false) {
    if (started_) return;
    started_ = true;
    if (!null) first_mark_ = mark;
  }

  YAML::Mark start_ = YAML::Mark::null_mark();
  bool started_ = false;
  std::optional<YAML::Mark> first_mark_;  // of the root node, unless it is null
};

struct DocumentCount {
  int count = 0;
  YAML::Mark second;  // where the second document's root starts, when there is one
};

// Throws YAML::Exception for malformed YAML, like LoadAll.
DocumentCount count_documents(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentCounter counter;
  DocumentCount result;
  while (parser.HandleNextDocument(counter)) {
    if (++result.count == 2) result.second = counter.first_mark();
    if (counter.empty()) break;
  }
  return result;
}

}  // namespace

std::string read_yaml_description(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError("cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  try {
    (void)YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UserError("malformed YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1) + ": " + printable(e.msg));
  }

  std::string description;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string stripped = trim(line);
    if (stripped.empty() && description.empty()) continue;
    if (stripped.empty() || stripped.front() != '#') break;
    const auto body = stripped.find_first_not_of('#');
    const std::string comment = body == std::string::npos ? std::string() : trim(stripped.substr(body));
    if (comment.empty()) continue;
    if (!description.empty()) description += ' ';
    description += comment;
  }
  return description;
}

YamlParamSets read_yaml_param_sets(const std::filesystem::path& file) {
  Reader reader(display_path(file));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(display_path(file) + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();

  const std::string text = buffer.str();
  DocumentCount documents;
  YAML::Node root;
  try {
    documents = count_documents(text);
    if (documents.count == 1) root = YAML::Load(text);  // the first document only
  } catch (const YAML::Exception& e) {
    const std::string column = e.mark.is_null() ? "" : " at column " + std::to_string(e.mark.column + 1);
    reader.fail(line_of(e.mark), "malformed YAML" + column + ": " + e.msg);
  }
  if (documents.count == 0) reader.fail(1, "expected a list of parameter sets, found an empty document");
  if (documents.count > 1) {
    reader.fail(line_of(documents.second),
                "expected one YAML document, found " + std::to_string(documents.count));
  }
  reader.read_document(root);
  return reader.finish();
}

}  // namespace cf::host
