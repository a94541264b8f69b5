// A plugin file as the host sees it before loading anything: the ELF section reader, then the
// metadata reader over whatever section it found.
#include "fuzz_targets.hpp"
#include "memory_file.hpp"

#include "plugin/elf_section.hpp"
#include "plugin/plugin_metadata.hpp"
#include "util/error.hpp"

#include <curifactory/abi.h>

#include <optional>
#include <string>

namespace cf::fuzz {

void elf_section(Input input) {
  static MemoryFile file;
  const auto& path = file.hold(input);

  std::optional<std::string> section;
  try {
    section = host::read_elf_section(path, CF_METADATA_SECTION);
  } catch (const host::UserError& e) {
    expect_one_line("read_elf_section", e.what());
    return;
  }
  if (section && section->size() > input.size()) {
    throw Finding("a section of " + std::to_string(section->size()) + " bytes out of a file of " +
                  std::to_string(input.size()));
  }
  // The build id is the other section the host reads (provenance of a run's plugins).
  try {
    (void)host::read_elf_section(path, ".note.gnu.build-id");
  } catch (const host::UserError& e) {
    expect_one_line("read_elf_section(.note.gnu.build-id)", e.what());
  }
  try {
    (void)host::read_plugin_metadata(path);
  } catch (const host::UserError& e) {
    expect_one_line("read_plugin_metadata", e.what());
  }
}

}  // namespace cf::fuzz
