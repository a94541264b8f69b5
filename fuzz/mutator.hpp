// Deterministic mutations of seed inputs, for the test suite's short fuzz run: the same seeds,
// tokens and seed number give the same inputs on every machine, so a failure there reproduces
// anywhere. Much cruder than libFuzzer (no coverage feedback); scripts/fuzz.sh does the real work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace cf::fuzz {

class Mutator {
 public:
  // `seeds` must not be empty; `tokens` (a fuzzing dictionary) may be.
  Mutator(std::vector<std::string> seeds, std::vector<std::string> tokens, std::uint64_t seed);

  // A seed changed by one to four random edits (bit flips, boundary integers, inserted tokens,
  // cut, repeated or spliced ranges), at most kMaxSize bytes.
  std::string next();

  static constexpr std::size_t kMaxSize = 64 * 1024;

 private:
  std::size_t below(std::size_t bound);  // uniform enough in [0, bound), bound > 0
  void edit(std::string& input);

  std::vector<std::string> seeds_;
  std::vector<std::string> tokens_;
  std::mt19937_64 random_;  // its output sequence is fixed by the standard
};

// The files of a corpus folder, in name order (empty when the folder is missing).
std::vector<std::string> read_corpus(const std::filesystem::path& folder);

// The tokens of a libFuzzer dictionary file (lines `name="value"` or `"value"`, with \\, \" and
// \xNN escapes; '#' comments). Throws std::runtime_error naming the file and line when malformed.
std::vector<std::string> read_dictionary(const std::filesystem::path& file);

}  // namespace cf::fuzz
