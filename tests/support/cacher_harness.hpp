// Saving and loading artifacts through the real cacher plugins built into the build tree, and
// asking Debian's Python what it reads from the files they write.
#pragma once

#include "cache/atomic_file.hpp"
#include "cache/cacher_registry.hpp"
#include "support/scratch_folder.hpp"
#include "support/temp_project.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace cf::test {

inline const std::filesystem::path kBuiltCachers = CF_BINARY_DIR "/lib/curifactory/cachers";

class CacherHarness {
 public:
  CacherHarness() : registry_({kBuiltCachers}) {}

  host::CacherRegistry& registry() { return registry_; }
  const std::filesystem::path& folder() const { return scratch_.path(); }

  // Writes `artifact` (MessagePack) with cacher `name` to <scratch>/<file><extension>, as the
  // host does (temporary file, then rename), and returns the final path.
  std::filesystem::path save(const std::string& name, std::string_view artifact, const std::string& file = "artifact",
                             std::string_view options = "") {
    const cf_cacher_api& cacher = registry_.get(name);
    const auto path = scratch_.path() / (file + cacher.extension);
    host::write_file_atomically(
        path, [&](const std::filesystem::path& temporary) { host::save(cacher, temporary, artifact, options); });
    return path;
  }

  std::string load(const std::string& name, const std::filesystem::path& path, std::string_view options = "") {
    return host::load(registry_.get(name), path, options);
  }

  // Encodes `value` with the SDK, saves and loads it through `name`, decodes it as T.
  template <class T>
  T round_trip(const std::string& name, const T& value, std::string_view options = "") {
    const auto path = save(name, encode_artifact(value), "round_trip", options);
    return decode_artifact<T>(load(name, path, options));
  }

 private:
  ScratchFolder scratch_;
  host::CacherRegistry registry_;
};

// Runs `script` with Debian's /usr/bin/python3 (the one with numpy) in `folder`, with the
// script's arguments; the result holds its exit code and output.
inline CommandResult run_python(const std::filesystem::path& folder, const std::string& script,
                                const std::string& arguments = "") {
  const auto file = folder / "check.py";
  {
    std::ofstream out(file);
    out << script;
  }
  return run_shell(folder, "/usr/bin/python3 -I " + shell_quote(file.string()) + " " + arguments);
}

}  // namespace cf::test
