#include "mutator.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cf::fuzz {
namespace {

// Values at the edges of the integer widths readers check lengths and offsets against.
constexpr std::array<std::uint64_t, 12> kBoundaries = {0,
                                                       1,
                                                       0x7f,
                                                       0x80,
                                                       0xff,
                                                       0x7fff,
                                                       0xffff,
                                                       0x7fffffff,
                                                       0x80000000,
                                                       0xffffffff,
                                                       0x7fffffffffffffff,
                                                       0xffffffffffffffff};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Mutator::Mutator(std::vector<std::string> seeds, std::vector<std::string> tokens, std::uint64_t seed)
    : seeds_(std::move(seeds)), tokens_(std::move(tokens)), random_(seed) {
  if (seeds_.empty()) throw std::invalid_argument("Mutator needs at least one seed");
}

std::size_t Mutator::below(std::size_t bound) {
  return static_cast<std::size_t>(random_() % bound);
}

std::string Mutator::next() {
  std::string input = seeds_[below(seeds_.size())];
  const std::size_t edits = 1 + below(4);
  for (std::size_t i = 0; i < edits; ++i) edit(input);
  if (input.size() > kMaxSize) input.resize(kMaxSize);
  return input;
}

void Mutator::edit(std::string& input) {
  const std::size_t size = input.size();
  switch (below(10)) {
    case 0:  // flip one bit
      if (size > 0) input[below(size)] ^= static_cast<char>(1u << below(8));
      break;
    case 1:  // a random byte
      if (size > 0) input[below(size)] = static_cast<char>(below(256));
      break;
    case 2: {  // a boundary integer of 1, 2, 4 or 8 bytes, little- or big-endian
      const std::size_t width = std::size_t{1} << below(4);
      if (size < width) break;
      std::uint64_t value = kBoundaries[below(kBoundaries.size())];
      if (below(4) == 0) value = size;  // lengths that match the input are the interesting ones
      const std::size_t at = below(size - width + 1);
      const bool big_endian = below(2) == 1;
      for (std::size_t b = 0; b < width; ++b) {
        const std::size_t shift = 8 * (big_endian ? width - 1 - b : b);
        input[at + b] = static_cast<char>((value >> shift) & 0xff);
      }
      break;
    }
    case 3: {  // insert random bytes
      std::string bytes(1 + below(8), '\0');
      for (char& c : bytes) c = static_cast<char>(below(256));
      input.insert(below(size + 1), bytes);
      break;
    }
    case 4:  // erase a range
      if (size > 0) {
        const std::size_t at = below(size);
        input.erase(at, 1 + below(std::min<std::size_t>(size - at, 64)));
      }
      break;
    case 5:  // repeat a range somewhere (nesting, repeated keys)
      if (size > 0) {
        const std::size_t at = below(size);
        const std::string range = input.substr(at, 1 + below(std::min<std::size_t>(size - at, 64)));
        for (std::size_t copies = 1 + below(4); copies > 0; --copies)
          input.insert(below(input.size() + 1), range);
      }
      break;
    case 6:  // truncate
      input.resize(below(size + 1));
      break;
    case 7:  // insert a dictionary token
    case 8:
      if (!tokens_.empty()) input.insert(below(size + 1), tokens_[below(tokens_.size())]);
      break;
    default: {  // splice: this input's head, another seed's tail
      const std::string& other = seeds_[below(seeds_.size())];
      input = input.substr(0, below(size + 1)) + other.substr(below(other.size() + 1));
      break;
    }
  }
}

std::vector<std::string> read_corpus(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(folder)) {
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> inputs;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    inputs.push_back(bytes.str());
  }
  return inputs;
}

std::vector<std::string> read_dictionary(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  std::vector<std::string> tokens;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const auto malformed = [&](const std::string& why) {
      return std::runtime_error(file.string() + ": line " + std::to_string(number) + ": " + why);
    };
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto open = line.find('"');
    const auto close = line.rfind('"');
    if (open == std::string::npos || close == open) throw malformed("expected a quoted token");
    std::string token;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (line[i] != '\\') {
        token += line[i];
      } else if (i + 1 < close && (line[i + 1] == '\\' || line[i + 1] == '"')) {
        token += line[++i];
      } else if (i + 3 < close && line[i + 1] == 'x' && hex_digit(line[i + 2]) >= 0 &&
                 hex_digit(line[i + 3]) >= 0) {
        token += static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3]));
        i += 3;
      } else {
        throw malformed("unknown escape");
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace cf::fuzz
