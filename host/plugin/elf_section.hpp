// Reads one named section out of an ELF shared object without loading it: the way `ls` and
// discovery see a plugin's metadata while running none of its code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

// The section's bytes, or nullopt when the file is a valid ELF object without that section.
// Throws UserError with a short reason (no file name) for a file that is not ELF, is
// truncated, or has inconsistent headers.
std::optional<std::string> read_elf_section(const std::filesystem::path& file, std::string_view section_name);

}  // namespace cf::host
