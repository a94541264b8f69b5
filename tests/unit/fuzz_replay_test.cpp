// The test suite's short fuzz run: every fuzz target (fuzz/fuzz_targets.hpp) on its committed
// seed corpus, which includes every input a fuzzer ever found a bug with, then on a few
// thousand deterministic mutations of it. scripts/fuzz.sh runs the same targets under libFuzzer.
#include "fuzz_targets.hpp"
#include "mutator.hpp"
#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace cf::fuzz {
// Test names and messages show a target by its name.
void PrintTo(const Target& target, std::ostream* out) {
  *out << target.name;
}
}  // namespace cf::fuzz

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// Enough to reach well past the seeds in a few seconds per target, also under the sanitizers.
constexpr int kMutations = 10000;

fs::path corpus_folder(std::string_view target) {
  return fs::path(CF_SOURCE_DIR) / "fuzz" / "corpus" / std::string(target);
}

// Runs `body` on `input`; on a finding or any exception, saves the input where it can be added
// to the corpus and returns the message naming it (empty when the input was handled).
std::string failure_of(std::string_view target, const std::function<void(fuzz::Input)>& body,
                       const std::string& input, const std::string& label) {
  std::string why;
  try {
    body(fuzz::Input(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
    return {};
  } catch (const fuzz::Finding& finding) {
    why = std::string("finding: ") + finding.what();
  } catch (const std::exception& e) {
    why = std::string("unexpected exception: ") + e.what();
  } catch (...) {
    why = "unexpected exception of an unknown type";
  }
  const fs::path saved = fs::path(CF_BINARY_DIR) / "fuzz_findings" / (std::string(target) + "-" + label);
  fs::create_directories(saved.parent_path());
  std::ofstream(saved, std::ios::binary) << input;
  return std::string(target) + " " + label + " (saved as " + saved.string() + "): " + why;
}

// The corpus inputs then `mutations` mutated ones; the messages of those that failed.
std::vector<std::string> replay(std::string_view target, const std::function<void(fuzz::Input)>& body,
                                const std::vector<std::string>& corpus,
                                const std::vector<std::string>& tokens, int mutations) {
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (auto failure = failure_of(target, body, corpus[i], "corpus-" + std::to_string(i)); !failure.empty())
      failures.push_back(std::move(failure));
  }
  fuzz::Mutator mutator(corpus, tokens, /*seed=*/20261128);
  for (int i = 0; i < mutations; ++i) {
    if (auto failure = failure_of(target, body, mutator.next(), "mutation-" + std::to_string(i));
        !failure.empty())
      failures.push_back(std::move(failure));
  }
  return failures;
}

std::vector<std::string> tokens_of(std::string_view target) {
  const fs::path dictionary = fs::path(CF_SOURCE_DIR) / "fuzz" / "dict" / (std::string(target) + ".dict");
  return fs::exists(dictionary) ? fuzz::read_dictionary(dictionary) : std::vector<std::string>{};
}

class FuzzReplay : public ::testing::TestWithParam<fuzz::Target> {};

TEST_P(FuzzReplay, HandlesTheCorpusAndItsMutations) {
  const fuzz::Target target = GetParam();
  const auto corpus = fuzz::read_corpus(corpus_folder(target.name));
  ASSERT_GE(corpus.size(), 3u) << "seed corpus missing or thin: " << corpus_folder(target.name);
  const auto failures = replay(target.name, target.run, corpus, tokens_of(target.name), kMutations);
  for (const auto& failure : failures) ADD_FAILURE() << failure;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(fuzz::kTargets),
                         [](const auto& info) { return std::string(info.param.name); });

// The replay itself must be able to fail: a target with a planted bug is caught, by the corpus
// and by the mutations, and the input is saved.
TEST(FuzzReplayHarness, ReportsAndSavesAFailingInput) {
  const auto planted = [](fuzz::Input input) {
    for (const std::uint8_t byte : input) {
      if (byte == 'X') throw fuzz::Finding("planted");
    }
  };
  const auto failures = replay("planted", planted, {"abc", "aXc", "ok"}, {"X"}, 200);
  ASSERT_FALSE(failures.empty());
  EXPECT_NE(failures.front().find("planted corpus-1"), std::string::npos) << failures.front();
  EXPECT_NE(failures.front().find("finding: planted"), std::string::npos) << failures.front();
  EXPECT_GT(failures.size(), 1u) << "no mutation reintroduced the planted byte";
  EXPECT_TRUE(fs::exists(fs::path(CF_BINARY_DIR) / "fuzz_findings" / "planted-corpus-1"));
}

TEST(FuzzReplayHarness, MutationsAreDeterministic) {
  fuzz::Mutator first({"seed one", "seed two"}, {"tok"}, 7);
  fuzz::Mutator second({"seed one", "seed two"}, {"tok"}, 7);
  bool changed = false;
  for (int i = 0; i < 100; ++i) {
    const std::string input = first.next();
    EXPECT_EQ(input, second.next());
    changed = changed || (input != "seed one" && input != "seed two");
  }
  EXPECT_TRUE(changed);
}

TEST(FuzzReplayHarness, ReadsLibFuzzerDictionaries) {
  const ScratchFolder folder;
  const auto good = folder.write("good.dict", "# a comment\n\nkw=\"sweep:\"\n\"a\\\\b\\\"c\\x00\\xff\"\n");
  EXPECT_EQ(fuzz::read_dictionary(good),
            (std::vector<std::string>{"sweep:", std::string("a\\b\"c\0\xff", 7)}));
  const auto bad = folder.write("bad.dict", "\"ok\"\nnot quoted\n");
  try {
    fuzz::read_dictionary(bad);
    ADD_FAILURE() << "a malformed dictionary was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), bad.string() + ": line 2: expected a quoted token");
  }
  for (const auto& target : fuzz::kTargets) {
    EXPECT_NO_THROW(tokens_of(target.name)) << target.name;
  }
}

}  // namespace
}  // namespace cf::test
