// A one-line, human-readable glimpse of an artifact for cache metadata and reports, written the
// way Python would print the value (1, 2.5, True, None, 'text', [..], {'k': v}) so it reads
// the same as the original Curifactory's previews.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cf::host {

// At most `max_chars` characters (code points), ending in "…" when cut. A typed array shows its
// type, shape and first few elements ("float64[1000x3] [0.5, 1.25, 2.0, …]") without reading
// the rest of its payload; a bin object shows its size ("<bytes: 1234>"). Bytes that are not
// one MessagePack value give "<unreadable artifact>": a preview never fails the caller.
std::string artifact_preview(std::string_view msgpack_bytes, std::size_t max_chars = 200);

}  // namespace cf::host
