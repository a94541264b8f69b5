// The `json` cacher: JSON-shaped artifacts (maps with string keys, arrays, strings, numbers,
// bools, nil) as indented JSON that people and Python's json module read directly, loaded back
// to the same MessagePack value.
//
// What survives the trip exactly: integers stay integers over the whole int64 and uint64 range;
// a float64 is written as text that parses back to the same bits (2.0 is written "2.0" so it
// stays a float; -0.0 keeps its sign); NaN and +-Infinity are written as Python's json writes
// them ("NaN", "Infinity", "-Infinity"), though a NaN comes back as the quiet NaN, without its
// sign or payload bits. A float32 is written as the shortest text that reads back as the same
// float32 (0.1f as "0.1") and comes back as a float64 holding that decimal value: decoding it
// into a float gives the original float back, decoding into a double gives 0.1, not
// 0.100000001490116.
//
// What JSON cannot hold is refused when saving, naming the place in the value: bytes
// (cf::Blob), map keys that are not strings, strings that are not UTF-8, and extension objects.
// Typed arrays (std::vector of numbers, cf::Array) are refused too unless the stage passes
// "arrays": "lists", because as JSON lists they lose their element type and shape: they are
// written as nested lists (one level per dimension; a 0-D array as a bare number) and come back
// as plain MessagePack arrays. The SDK decodes those into std::vector<number> (1-D) or nested
// std::vectors, but not into cf::Array, which needs the typed array's dtype and shape.
//
// Options: "arrays": "error" (default) | "lists"; "indent": 0-8 spaces (default 2, 0 writes
// compact JSON on one line).

// rapidjson 1.1.0's PrettyWriter drops a Writer's flags template argument from its base class
// (it does not compile with any but the default), so the flags are made the default instead:
// invalid UTF-8 would make a file that Python's json.load (and rapidjson) refuse to read, and
// NaN and Infinity are written the way Python's json module writes and reads them.
#define RAPIDJSON_WRITE_DEFAULT_FLAGS (kWriteValidateEncodingFlag | kWriteNanAndInfFlag)

// cacher.hpp first: inside cf::detail it names cf::artifact_output unqualified, which would
// resolve to cf::detail::artifact_output (artifact.hpp's packer stream) if that were declared.
#include <curifactory/cacher.hpp>

#include <curifactory/artifact.hpp>

#include <rapidjson/error/en.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

struct Options {
  bool arrays_as_lists = false;
  int indent = 2;
};

std::string option_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// Load reads no option, but checks them the same way, so a stage's misspelt option fails on
// either side instead of only when the artifact is first written.
Options read_options(const rapidjson::Value& options) {
  cf::check_options("json", options, {"arrays", "indent"});
  Options parsed;
  if (const auto it = options.FindMember("arrays"); it != options.MemberEnd()) {
    const std::string_view value =
        it->value.IsString() ? std::string_view(it->value.GetString(), it->value.GetStringLength()) : "";
    if (value != "error" && value != "lists") {
      throw std::runtime_error("cacher 'json': option 'arrays' must be \"error\" or \"lists\", got " +
                               option_text(it->value));
    }
    parsed.arrays_as_lists = value == "lists";
  }
  if (const auto it = options.FindMember("indent"); it != options.MemberEnd()) {
    if (!it->value.IsInt() || it->value.GetInt() < 0 || it->value.GetInt() > 8) {
      throw std::runtime_error(
          "cacher 'json': option 'indent' must be an integer from 0 to 8 (0: compact), got " +
          option_text(it->value));
    }
    parsed.indent = it->value.GetInt();
  }
  return parsed;
}

[[noreturn]] void fail_io(const std::filesystem::path& path, const char* action) {
  throw std::runtime_error(path.string() + ": " + action + ": " + std::system_category().message(errno));
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_file(const std::filesystem::path& path, const char* mode, const char* action) {
  File file(std::fopen(path.c_str(), mode));
  if (!file) fail_io(path, action);
  return file;
}

// ---- save: MessagePack -> JSON ------------------------------------------------------------

using CompactWriter = rapidjson::Writer<rapidjson::FileWriteStream>;
using IndentedWriter = rapidjson::PrettyWriter<rapidjson::FileWriteStream>;

// Deeper values recurse further than a plugin should on a caller's stack, and Python's json
// module could not read them back anyway (it gives up near 1000 levels).
constexpr std::size_t kMaxDepth = 900;

template <class Writer>
class JsonWriter {
 public:
  JsonWriter(Writer& writer, bool arrays_as_lists) : writer_(writer), arrays_as_lists_(arrays_as_lists) {}

  void value(const msgpack::object& o, std::size_t depth = 0) {
    if (depth > kMaxDepth) error("nested more than " + std::to_string(kMaxDepth) + " levels deep");
    switch (o.type) {
      case msgpack::type::NIL:
        writer_.Null();
        return;
      case msgpack::type::BOOLEAN:
        writer_.Bool(o.via.boolean);
        return;
      case msgpack::type::POSITIVE_INTEGER:
        writer_.Uint64(o.via.u64);
        return;
      case msgpack::type::NEGATIVE_INTEGER:
        writer_.Int64(o.via.i64);
        return;
      case msgpack::type::FLOAT32:
        float32(static_cast<float>(o.via.f64));
        return;
      case msgpack::type::FLOAT64:
        writer_.Double(o.via.f64);
        return;
      case msgpack::type::STR:
        if (!writer_.String(o.via.str.ptr, o.via.str.size))
          error("a string that is not valid UTF-8" + kCannot);
        return;
      case msgpack::type::ARRAY:
        writer_.StartArray();
        for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
          const std::size_t mark = push("[" + std::to_string(i) + "]");
          value(o.via.array.ptr[i], depth + 1);
          path_.resize(mark);
        }
        writer_.EndArray();
        return;
      case msgpack::type::MAP:
        map(o, depth);
        return;
      case msgpack::type::BIN:
        error("bytes (" + std::to_string(o.via.bin.size) + " of them, e.g. a cf::Blob)" + kCannot +
              "; store them with the raw cacher");
      case msgpack::type::EXT:
        if (o.via.ext.type() == CF_MSGPACK_TYPED_ARRAY) {
          typed_array(o);
          return;
        }
        error(cf::Decoder(o).describe() + kCannot);
    }
    error("a value of unknown MessagePack type" + kCannot);
  }

 private:
  inline static const std::string kCannot = " cannot be written as JSON";

  void map(const msgpack::object& o, std::size_t depth) {
    writer_.StartObject();
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
      const msgpack::object& key = o.via.map.ptr[i].key;
      if (key.type != msgpack::type::STR) {
        error("map key " + std::to_string(i) + " is " + cf::Decoder(key).describe() +
              "; JSON object keys are strings, so this map cannot be written as JSON");
      }
      const std::string_view name(key.via.str.ptr, key.via.str.size);
      const std::size_t mark = push("['" + std::string(name) + "']");
      if (!writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()))) {
        error("a map key that is not valid UTF-8" + kCannot);
      }
      value(o.via.map.ptr[i].val, depth + 1);
      path_.resize(mark);
    }
    writer_.EndObject();
  }

  void typed_array(const msgpack::object& o) {
    const std::span payload(reinterpret_cast<const std::byte*>(o.via.ext.data()), o.via.ext.size);
    std::string why;
    const auto header = cf::detail::parse_typed_array(payload, &why);
    if (!header) error("malformed typed array: " + why);
    if (!arrays_as_lists_) {
      error("a typed array (" + cf::detail::describe_typed_array(*header) + ")" + kCannot +
            "; give the json cacher the option \"arrays\": \"lists\"");
    }
    const std::byte* elements = payload.data() + header->header_size();
    std::size_t next = 0;
    // One list level per dimension; at the innermost level, the elements in row-major order.
    const auto level = [&](const auto& self, std::size_t d) -> void {
      if (d == header->ndim) {
        element(header->dtype, elements + cf::detail::dtype_size(header->dtype) * next, next);
        ++next;
        return;
      }
      writer_.StartArray();
      for (std::size_t i = 0; i < header->extents[d]; ++i) self(self, d + 1);
      writer_.EndArray();
    };
    level(level, 0);
  }

  template <class T>
  static T load_element(const std::byte* at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    return value;
  }

  void element(cf_dtype dtype, const std::byte* at, std::size_t number) {
    switch (dtype) {
      case CF_DTYPE_BOOL: {
        const auto byte = load_element<std::uint8_t>(at);
        if (byte > 1) {
          error("element " + std::to_string(number) + " of a bool array is " + std::to_string(byte) +
                " (must be 0 or 1)");
        }
        writer_.Bool(byte == 1);
        return;
      }
      case CF_DTYPE_INT8:
        writer_.Int(load_element<std::int8_t>(at));
        return;
      case CF_DTYPE_UINT8:
        writer_.Uint(load_element<std::uint8_t>(at));
        return;
      case CF_DTYPE_INT16:
        writer_.Int(load_element<std::int16_t>(at));
        return;
      case CF_DTYPE_UINT16:
        writer_.Uint(load_element<std::uint16_t>(at));
        return;
      case CF_DTYPE_INT32:
        writer_.Int(load_element<std::int32_t>(at));
        return;
      case CF_DTYPE_UINT32:
        writer_.Uint(load_element<std::uint32_t>(at));
        return;
      case CF_DTYPE_INT64:
        writer_.Int64(load_element<std::int64_t>(at));
        return;
      case CF_DTYPE_UINT64:
        writer_.Uint64(load_element<std::uint64_t>(at));
        return;
      case CF_DTYPE_FLOAT32:
        float32(load_element<float>(at));
        return;
      case CF_DTYPE_FLOAT64:
        writer_.Double(load_element<double>(at));
        return;
    }
  }

  // rapidjson only formats doubles, whose shortest text for a float32 is long and noisy
  // (0.10000000149011612), so the float32's own shortest text is written instead.
  void float32(float f) {
    if (!std::isfinite(f)) {
      writer_.Double(f);
      return;
    }
    std::array<char, 32> text;
    auto [end, ec] = std::to_chars(text.data(), text.data() + text.size() - 2, f);
    if (ec != std::errc()) error("cannot format float32 value");
    // Without a '.' or an exponent the reader would take it for an integer.
    if (std::find_if(text.data(), end, [](char c) { return c == '.' || c == 'e'; }) == end) {
      *end++ = '.';
      *end++ = '0';
    }
    writer_.RawValue(text.data(), static_cast<std::size_t>(end - text.data()), rapidjson::kNumberType);
  }

  std::size_t push(const std::string& step) {
    const std::size_t mark = path_.size();
    path_ += step;
    return mark;
  }

  [[noreturn]] void error(const std::string& message) const {
    throw std::runtime_error("at " + (path_.empty() ? std::string("the top level") : path_) + ": " + message);
  }

  Writer& writer_;
  bool arrays_as_lists_;
  std::string path_;  // Python subscripts from the root, ['model']['layers'][2]
};

template <class Writer>
void write_json(Writer& writer, const msgpack::object& root, bool arrays_as_lists) {
  JsonWriter<Writer>(writer, arrays_as_lists).value(root);
}

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  const Options parsed = read_options(options);
  const auto handle = cf::detail::unpack_artifact(artifact);
  File file = open_file(path, "wb", "cannot be created");
  std::array<char, 1 << 16> buffer;
  rapidjson::FileWriteStream stream(file.get(), buffer.data(), buffer.size());
  if (parsed.indent == 0) {
    CompactWriter writer(stream);
    write_json(writer, handle.get(), parsed.arrays_as_lists);
  } else {
    IndentedWriter writer(stream);
    writer.SetIndent(' ', static_cast<unsigned>(parsed.indent));
    write_json(writer, handle.get(), parsed.arrays_as_lists);
  }
  stream.Put('\n');
  stream.Flush();
  // fwrite errors are sticky, and a deferred write error (NFS, quota) shows up only at close.
  const bool write_failed = std::fflush(file.get()) != 0 || std::ferror(file.get()) != 0;
  if (std::fclose(file.release()) != 0 || write_failed) fail_io(path, "cannot be written");
}

// ---- load: JSON -> MessagePack ------------------------------------------------------------

// rapidjson hands numbers over as text so that each is classified and converted exactly:
// integers over the whole int64/uint64 range, floats correctly rounded by std::from_chars.
// The iterative parser keeps deep nesting off the stack.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseNanAndInfFlag | rapidjson::kParseValidateEncodingFlag;

// MessagePack announces a container's size before its elements, JSON only at its end. So the
// file is parsed twice: the first pass records every array and object size in document order
// (and checks everything), the second writes the artifact, streaming it out in pieces. Neither
// the file nor the artifact is ever held whole.
class JsonToArtifact : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonToArtifact> {
 public:
  // Measuring pass.
  explicit JsonToArtifact(std::vector<std::uint32_t>& sizes) : sizes_(sizes) {}
  // Writing pass, with the sizes the measuring pass recorded.
  JsonToArtifact(std::vector<std::uint32_t>& sizes, const cf::artifact_output& out)
      : sizes_(sizes), out_(&out), encoder_(&buffer_) {}

  bool Null() {
    if (out_) encoder_.nil();
    return written();
  }
  bool Bool(bool b) {
    if (out_) encoder_.boolean(b);
    return written();
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (out_) encoder_.string(std::string_view(text, length));
    return written();
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) { return String(text, length, copy); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) { return number({text, length}); }
  bool StartArray() { return open(false); }
  bool StartObject() { return open(true); }
  bool EndArray(rapidjson::SizeType count) { return close(count); }
  bool EndObject(rapidjson::SizeType count) { return close(count); }

  // Hands the last piece on.
  void finish() {
    if (out_) out_->write(buffer_);
    buffer_.clear();
  }
  const std::string& error() const { return error_; }

 private:
  static constexpr std::size_t kPiece = std::size_t{1} << 20;

  bool written() {
    if (out_ && buffer_.size() >= kPiece) finish();
    return true;
  }

  bool open(bool object) {
    if (!out_) {
      open_.push_back(sizes_.size());
      sizes_.push_back(0);
      return true;
    }
    // The same FILE is parsed twice, so only a reader bug could make the passes disagree.
    if (next_ >= sizes_.size()) return reject("the second pass found more arrays and objects than the first");
    const std::uint32_t size = sizes_[next_++];
    object ? encoder_.begin_map(size) : encoder_.begin_array(size);
    return written();
  }
  bool close(rapidjson::SizeType count) {
    if (!out_) {
      sizes_[open_.back()] = count;
      open_.pop_back();
    }
    return true;
  }

  bool reject(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool number(std::string_view text) {
    const std::string_view unsigned_text = text.substr(text.starts_with('-') ? 1 : 0);
    if (!unsigned_text.empty() && (unsigned_text[0] == 'N' || unsigned_text[0] == 'I')) {
      const double special = unsigned_text[0] == 'N' ? std::numeric_limits<double>::quiet_NaN()
                                                     : std::numeric_limits<double>::infinity();
      if (out_) encoder_.float64(text[0] == '-' && unsigned_text[0] == 'I' ? -special : special);
      return written();
    }
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (text.find_first_of(".eE") != std::string_view::npos) {
      double d = 0;
      const auto [end, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || end != last) {
        return reject("the number " + std::string(text) + " is outside the float64 range");
      }
      if (out_) encoder_.float64(d);
    } else if (text.starts_with('-')) {
      std::int64_t i = 0;
      const auto [end, ec] = std::from_chars(first, last, i);
      if (ec != std::errc() || end != last) {
        return reject("the integer " + std::string(text) + " is below the int64 range");
      }
      if (out_) encoder_.integer(i);
    } else {
      std::uint64_t u = 0;
      const auto [end, ec] = std::from_chars(first, last, u);
      if (ec != std::errc() || end != last) {
        return reject("the integer " + std::string(text) + " is above the uint64 range");
      }
      if (out_) encoder_.unsigned_integer(u);
    }
    return written();
  }

  std::vector<std::uint32_t>& sizes_;
  std::vector<std::size_t> open_;  // measuring: indexes into sizes_ of the containers still open
  std::size_t next_ = 0;           // writing: the next container's index into sizes_
  const cf::artifact_output* out_ = nullptr;
  std::string buffer_;
  cf::Encoder encoder_{nullptr};
  std::string error_;
};

// "line 3, column 7" for a byte offset, counting characters rather than UTF-8 bytes.
std::string location(const std::filesystem::path& path, std::size_t offset) {
  File file = open_file(path, "rb", "cannot be read");
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const int c = std::fgetc(file.get());
    if (c == EOF) break;
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

void parse(const std::filesystem::path& path, std::FILE* file, JsonToArtifact& handler) {
  std::rewind(file);
  std::array<char, 1 << 16> buffer;
  rapidjson::FileReadStream stream(file, buffer.data(), buffer.size());
  rapidjson::Reader reader;
  const rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, handler);
  if (std::ferror(file) != 0) fail_io(path, "cannot be read");
  if (!result) {
    const bool ours = result.Code() == rapidjson::kParseErrorTermination && !handler.error().empty();
    throw std::runtime_error(path.string() +
                             ": not JSON the json cacher can load: " + location(path, result.Offset()) +
                             ": " + (ours ? handler.error() : rapidjson::GetParseError_En(result.Code())));
  }
}

void load(const std::filesystem::path& path, const rapidjson::Value& options,
          const cf::artifact_output& out) {
  read_options(options);
  File file = open_file(path, "rb", "cannot be read");
  std::vector<std::uint32_t> sizes;
  JsonToArtifact measure(sizes);
  parse(path, file.get(), measure);
  JsonToArtifact write(sizes, out);
  parse(path, file.get(), write);
  write.finish();
}

}  // namespace

CF_DESCRIPTION(
    "readable JSON for maps, lists, strings and numbers (typed arrays with \"arrays\": \"lists\")");
CF_CACHER("json", ".json", save, load);
