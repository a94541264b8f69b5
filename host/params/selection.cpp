#include "params/selection.hpp"

#include "util/error.hpp"

#include <charconv>

namespace cf::host {
namespace {

bool parse_number(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

}  // namespace

std::vector<IndexRange> parse_index_ranges(const std::vector<std::string>& specs, const std::string& flag) {
  std::vector<IndexRange> ranges;
  for (const std::string& spec : specs) {
    IndexRange range{0, 0, spec};
    const auto dash = spec.find('-');
    const bool ok = dash == std::string::npos
                        ? parse_number(spec, range.begin)
                        : parse_number(std::string_view(spec).substr(0, dash), range.begin) &&
                              parse_number(std::string_view(spec).substr(dash + 1), range.end);
    if (!ok)
      throw UserError(flag + " '" + spec +
                      "': expected an index N or a range A-B (A inclusive, B exclusive)");
    if (dash == std::string::npos) range.end = range.begin + 1;
    if (range.end <= range.begin) {
      throw UserError(flag + " '" + spec +
                      "': empty range (the upper bound is exclusive, so A-B needs B > A)");
    }
    ranges.push_back(range);
  }
  return ranges;
}

bool selects(const std::vector<IndexRange>& ranges, std::size_t index) {
  for (const IndexRange& range : ranges) {
    if (index >= range.begin && index < range.end) return true;
  }
  return false;
}

std::vector<std::size_t> positions_of(const std::vector<IndexRange>& ranges) {
  std::vector<std::size_t> positions;
  for (const IndexRange& range : ranges) {
    for (std::size_t index = range.begin; index < range.end; ++index) positions.push_back(index);
  }
  return positions;
}

}  // namespace cf::host
