// --indices / --global-indices: "N" or "A-B" (A inclusive, B exclusive), repeatable.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cf::host {

struct IndexRange {
  std::size_t begin = 0;
  std::size_t end = 0;  // exclusive
  std::string text;     // as the user wrote it, for messages
};

// Throws UserError naming `flag` for a malformed or empty range.
std::vector<IndexRange> parse_index_ranges(const std::vector<std::string>& specs, const std::string& flag);

bool selects(const std::vector<IndexRange>& ranges, std::size_t index);

}  // namespace cf::host
