#include "exec/slurm_job.hpp"
#include "util/shell_quote.hpp"

#include "support/local_slurm.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::ScratchFolder;

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SlurmJobWords, SplitsLikeAShell) {
  EXPECT_EQ(split_shell_words(""), std::vector<std::string>{});
  EXPECT_EQ(split_shell_words("  --time=5 \t-p debug "),
            (std::vector<std::string>{"--time=5", "-p", "debug"}));
  EXPECT_EQ(split_shell_words(R"(--comment='a b' --job-name="x \"y\" \z" c\ d '')"),
            (std::vector<std::string>{"--comment=a b", R"(--job-name=x "y" \z)", "c d", ""}));
  EXPECT_THROW(split_shell_words("--comment='open"), UserError);
  EXPECT_THROW(split_shell_words("--comment=\"open"), UserError);
}

TEST(SlurmJobWords, QuotesAnyArgument) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote("it's $HOME"), R"('it'\''s $HOME')");
  EXPECT_EQ(shell_quote(""), "''");
}

// Each test gets its own Slurm: the daemons' state must not leak between tests, and starting
// takes about a second.
class SlurmJob : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = test::LocalSlurm::unavailable()) GTEST_SKIP() << *reason;
    slurm_.emplace();
    ASSERT_TRUE(slurm_->started()) << slurm_->start_output();
  }

  ScratchFolder scratch_;
  std::optional<test::LocalSlurm> slurm_;
};

SlurmTask shell_task(const std::string& range, const std::string& script, const std::filesystem::path& log) {
  return {range, {"/bin/sh", "-c", script}, log};
}

TEST_F(SlurmJob, RunsEveryTaskAndReportsHowEachEnded) {
  const auto logs = scratch_.path() / "logs";
  const std::vector<SlurmTask> tasks{
      shell_task("0-1", "echo task zero; echo to stderr >&2", logs / "0-1.log"),
      shell_task("2-3", "echo task one; exit 3", logs / "2-3.log"),
      shell_task("4-5", "echo task two; kill -SEGV $$", logs / "4-5.log"),
      shell_task("6-7", "printf '%s\\n' \"it's quoted\"", logs / "6-7.log"),
  };
  std::vector<std::string> reports;
  const auto before = std::chrono::steady_clock::now();
  const auto results =
      run_slurm_array(tasks, scratch_.path() / "job" / "array.sh", scratch_.path(), "--job-name='cf test'",
                      [&](std::string_view text) { reports.emplace_back(text); });
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
  std::cout << "[          ] sbatch to all 4 tasks finished: " << seconds << " s\n";

  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].range, "0-1");
  EXPECT_EQ(results[0].state, "COMPLETED");
  EXPECT_EQ(results[0].exit_code, 0);
  EXPECT_EQ(results[0].signal, 0);
  EXPECT_EQ(read_all(results[0].log_file), "task zero\nto stderr\n");

  EXPECT_EQ(results[1].state, "FAILED");
  EXPECT_EQ(results[1].exit_code, 3);
  EXPECT_EQ(results[1].signal, 0);
  EXPECT_EQ(read_all(results[1].log_file), "task one\n");

  EXPECT_EQ(results[2].state, "FAILED");
  EXPECT_EQ(results[2].exit_code, 0);
  EXPECT_EQ(results[2].signal, 11);
  EXPECT_EQ(read_all(results[2].log_file), "task two\n");

  EXPECT_EQ(results[3].state, "COMPLETED");
  EXPECT_EQ(read_all(results[3].log_file), "it's quoted\n");

  ASSERT_FALSE(reports.empty());
  EXPECT_NE(reports.back().find(" 4 of 4 tasks finished"), std::string::npos) << reports.back();
  EXPECT_EQ(reports.back().rfind("slurm job ", 0), 0u) << reports.back();
  // The batch output goes next to the script, not into the working directory.
  for (const auto& entry : std::filesystem::directory_iterator(scratch_.path())) {
    EXPECT_NE(entry.path().filename().string().rfind("slurm-", 0), 0u) << entry.path();
  }
  // The script stays for the user, ready to resubmit.
  EXPECT_NE(read_all(scratch_.path() / "job" / "array.sh").find("exec '/bin/sh' '-c'"), std::string::npos);
}

TEST_F(SlurmJob, FailingSbatchThrowsWithItsMessage) {
  const std::vector<SlurmTask> tasks{shell_task("0-0", "true", scratch_.path() / "never.log")};
  try {
    run_slurm_array(tasks, scratch_.path() / "array.sh", scratch_.path(), "--partition=no_such_partition",
                    [](std::string_view) {});
    FAIL() << "sbatch accepted an unknown partition";
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("sbatch failed: ", 0), 0u) << message;
    EXPECT_NE(message.find("partition"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace cf::host
