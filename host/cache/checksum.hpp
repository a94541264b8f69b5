// Content checksums of cached artifacts, so a run can tell a file it wrote from one that was
// changed or truncated since. XXH3-128 is far faster than disk reads and, unlike a 64-bit
// hash, has no realistic accidental collisions across a large cache.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cf::host {

// "xxh3-128:" followed by 32 lowercase hex digits (high 64 bits, then low 64 bits), the same
// digits `xxhsum -H2` prints. The prefix names the algorithm so another can be added later.
std::string bytes_checksum(std::string_view bytes);

// The checksum of the file's contents, read in 1 MiB pieces so a large file never sits in
// memory. Throws UserError "<path>: cannot be read: <reason>".
std::string file_checksum(const std::filesystem::path& path);

}  // namespace cf::host
