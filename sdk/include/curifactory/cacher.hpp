// What a cacher file writes to become a cacher plugin:
//
//   void save(const std::filesystem::path& path, std::string_view artifact,
//             const rapidjson::Value& options);
//   std::string load(const std::filesystem::path& path, const rapidjson::Value& options);
//   CF_CACHER("raw", ".msgpack", save, load);
//   CF_DESCRIPTION("one line for `experiment ls`");
//
// A cacher that reads large files can stream instead of returning one string:
//
//   void load(const std::filesystem::path& path, const rapidjson::Value& options,
//             const cf::artifact_output& out);   // out.write(bytes), as many times as needed
//
// and, when its file records how large the artifact is (a header, a compressed frame's content
// size), say so, so the reader allocates the artifact once instead of growing it piece by piece:
//
//   std::uint64_t size(const std::filesystem::path& path, const rapidjson::Value& options);
//   CF_CACHER_SIZED("zstd", ".msgpack.zst", save, load, size);   // 0 when it cannot tell
//
// `artifact` is one MessagePack value (see abi.h). save() stores it at exactly `path`, in any
// form it likes (compressed, converted to .npy, ...), and load() turns that file back into the
// same MessagePack bytes. `options` is the JSON object a stage gave with the cacher name ({}
// when none). The host picks the path, creates its folder and writes through a temporary file
// it renames afterwards, so a cacher never deals with atomicity. Any exception thrown becomes
// the error message the host reports for that artifact.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/detail/c_boundary.hpp>
#include <curifactory/detail/metadata.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace cf {

// Where a streaming load() writes the MessagePack bytes it reads back, piece by piece, so a
// large artifact is never held twice by the cacher.
class artifact_output {
 public:
  explicit artifact_output(cf_sink sink) : sink_(sink) {}
  void write(std::string_view bytes) const {
    if (sink_.write != nullptr && !bytes.empty()) sink_.write(sink_.ctx, bytes.data(), bytes.size());
  }

 private:
  cf_sink sink_;
};

// Rejects option keys a cacher does not know, naming the cacher and what it accepts, so a
// misspelt option is an error instead of silently ignored.
inline void check_options(std::string_view cacher, const rapidjson::Value& options,
                          std::initializer_list<std::string_view> known) {
  for (auto it = options.MemberBegin(); it != options.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    bool found = false;
    for (std::string_view name : known) found = found || name == key;
    if (found) continue;
    std::string list;
    for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
    throw std::runtime_error("cacher '" + std::string(cacher) + "' has no option '" + std::string(key) +
                             "' (options: " + (list.empty() ? "none" : list) + ")");
  }
}

}  // namespace cf

namespace cf::detail {

// Names end up in stage declarations and messages, so they stay plain identifiers.
consteval bool valid_cacher_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The extension is appended to a cache file name, so it must not add a folder.
consteval bool valid_cacher_extension(std::string_view extension) {
  return extension.empty() || (extension.front() == '.' && extension.find('/') == std::string_view::npos);
}

inline std::string_view to_view(cf_str text) {
  return text.size == 0 ? std::string_view() : std::string_view(text.data, text.size);
}

inline rapidjson::Document parse_cacher_options(cf_str text) {
  rapidjson::Document options;
  if (text.size == 0) {
    options.SetObject();
    return options;
  }
  options.Parse(text.data, text.size);
  if (options.HasParseError()) {
    throw std::runtime_error("malformed cacher options JSON at offset " +
                             std::to_string(options.GetErrorOffset()) + ": " +
                             rapidjson::GetParseError_En(options.GetParseError()));
  }
  if (!options.IsObject()) throw std::runtime_error("cacher options must be a JSON object");
  return options;
}

template <auto Save>
cf_status cacher_save(cf_str path, cf_str artifact, cf_str options_json, cf_sink error) noexcept {
  static_assert(std::is_invocable_v<decltype(Save), const std::filesystem::path&, std::string_view,
                                    const rapidjson::Value&>,
                "CF_CACHER: the save function must be callable as "
                "save(const std::filesystem::path&, std::string_view, const rapidjson::Value&)");
  return guarded(error, [&] {
    const auto options = parse_cacher_options(options_json);
    Save(std::filesystem::path(to_view(path)), to_view(artifact), options);
  });
}

template <auto Load>
cf_status cacher_load(cf_str path, cf_str options_json, cf_sink out, cf_sink error) noexcept {
  using load_type = decltype(Load);
  constexpr bool streams = std::is_invocable_v<load_type, const std::filesystem::path&,
                                               const rapidjson::Value&, const ::cf::artifact_output&>;
  static_assert(
      streams || std::is_invocable_r_v<std::string, load_type, const std::filesystem::path&,
                                       const rapidjson::Value&>,
      "CF_CACHER: the load function must be callable as "
      "std::string load(const std::filesystem::path&, const rapidjson::Value&) or "
      "void load(const std::filesystem::path&, const rapidjson::Value&, const cf::artifact_output&)");
  return guarded(error, [&] {
    const auto options = parse_cacher_options(options_json);
    if constexpr (streams) {
      Load(std::filesystem::path(to_view(path)), options, ::cf::artifact_output(out));
    } else {
      const std::string artifact = Load(std::filesystem::path(to_view(path)), options);
      write_to(out, artifact);
    }
  });
}

template <auto Size>
uint64_t cacher_load_size(cf_str path, cf_str options_json) noexcept {
  static_assert(std::is_invocable_r_v<std::uint64_t, decltype(Size), const std::filesystem::path&,
                                      const rapidjson::Value&>,
                "CF_CACHER_SIZED: the size function must be callable as "
                "std::uint64_t size(const std::filesystem::path&, const rapidjson::Value&)");
  try {
    const auto options = parse_cacher_options(options_json);
    return Size(std::filesystem::path(to_view(path)), options);
  } catch (...) {
    return 0;  // only a hint: the load itself reports what is wrong
  }
}

}  // namespace cf::detail

// The name must be a string literal: it is also written into the metadata section, which the
// host reads to find a cacher without loading every plugin.
#define CF_CACHER(name, extension, save_function, load_function) \
  CF_DETAIL_CACHER(name, extension, save_function, load_function, nullptr)

// CF_CACHER plus `std::uint64_t size_function(path, options)`: the number of bytes load() will
// write for that file, 0 when unknown, so a reader of a large artifact allocates it once (for
// example from a header that records the uncompressed size). It must not read the whole file.
#define CF_CACHER_SIZED(name, extension, save_function, load_function, size_function) \
  CF_DETAIL_CACHER(name, extension, save_function, load_function,                     \
                   &::cf::detail::cacher_load_size<&size_function>)

#define CF_DETAIL_CACHER(name, extension, save_function, load_function, load_size_function)           \
  static_assert(::cf::detail::valid_cacher_name(name),                                                \
                "CF_CACHER: the name must be non-empty and use only letters, digits, '_', '-', '.'"); \
  static_assert(::cf::detail::valid_cacher_extension(extension),                                      \
                "CF_CACHER: the extension must be empty or start with '.' and contain no '/'");       \
  CF_DETAIL_EXPORT const cf_cacher_api* curifactory_cacher(void) {                                    \
    static constexpr cf_cacher_api api{sizeof(cf_cacher_api),                                         \
                                       CF_ABI_VERSION,                                                \
                                       name,                                                          \
                                       extension,                                                     \
                                       &::cf::detail::cacher_save<&save_function>,                    \
                                       &::cf::detail::cacher_load<&load_function>,                    \
                                       load_size_function};                                           \
    return &api;                                                                                      \
  }                                                                                                   \
  CF_DETAIL_METADATA("kind", "cacher", "name", name)
