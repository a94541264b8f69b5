// The fuzz targets: one function per reader of untrusted bytes. Each returns normally when the
// reader accepted the input or refused it the way it promises to (its own exception type, with
// a one-line message); anything else is a finding. The same functions run under libFuzzer
// (libfuzzer_entry.cpp, built by scripts/fuzz.sh with clang) and in the test suite, which
// replays the committed corpus plus deterministic mutations of it (tests/unit/fuzz_replay_test.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cf::fuzz {

using Input = std::span<const std::uint8_t>;

// A broken promise of a reader that did not crash: a wrong result, an unexpected exception
// type, a multi-line error. Thrown rather than aborting so the replay test can name the input.
struct Finding : std::logic_error {
  using std::logic_error::logic_error;
};

// YAML parameter files (host/params/yaml_file): the description and the parameter sets.
void yaml_params(Input input);
// The JSON records of a plugin's metadata section (host/plugin/plugin_metadata).
void plugin_metadata(Input input);
// A plugin file as ELF (host/plugin/elf_section), then its metadata if it has a section.
void elf_section(Input input);
// Artifact bytes (the SDK's MessagePack codec, decode_artifact) as several types, and the
// host's preview of them (host/cache/artifact_preview).
void artifact_decode(Input input);

struct Target {
  std::string_view name;  // also the folder of its seed corpus: fuzz/corpus/<name>/
  void (*run)(Input);
};

inline constexpr Target kTargets[] = {
    {"yaml_params", yaml_params},
    {"plugin_metadata", plugin_metadata},
    {"elf_section", elf_section},
    {"artifact_decode", artifact_decode},
};

// Throws Finding unless `message` is one non-empty line (the house rule for every error).
void expect_one_line(std::string_view what, std::string_view message);

}  // namespace cf::fuzz
