// --indices / --global-indices: "N" or "A-B" (A inclusive, B exclusive), repeatable. The
// original reads them differently: --indices as membership inside each file (file order, each set
// once), --global-indices as a list of positions (the order written, repeats kept).
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

// Membership, for --indices.
bool selects(const std::vector<IndexRange>& ranges, std::size_t index);

// Every position the ranges name, in the order written, repeats included, for --global-indices
// ("6 0" -> 6, 0; "0-2 1" -> 0, 1, 1).
std::vector<std::size_t> positions_of(const std::vector<IndexRange>& ranges);

}  // namespace cf::host
