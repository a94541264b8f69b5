#include "log/run_log.hpp"

#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cf::host {
namespace {

using test::ScratchFolder;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs `body` with file descriptor 1 pointing at a temporary file and returns what reached it.
// Nothing may assert inside `body`: gtest would print its failure into the capture.
std::string capture_stdout(const std::function<void()>& body) {
  ScratchFolder folder;
  const auto target = folder.path() / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int file = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (saved < 0 || file < 0) throw std::runtime_error("cannot redirect stdout");
  ::dup2(file, STDOUT_FILENO);
  ::close(file);
  std::exception_ptr failure;
  try {
    body();
  } catch (...) {
    failure = std::current_exception();
  }
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  if (failure) std::rethrow_exception(failure);
  return read_text(target);
}

// The file line format: "YYYY-MM-DD HH:MM:SS.mmm [LEVEL] message".
::testing::AssertionResult is_file_line(const std::string& line, const std::string& level,
                                        const std::string& message) {
  static const std::regex shape(R"(^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) \[([A-Z]+)\] (.*)$)");
  std::smatch match;
  if (!std::regex_match(line, match, shape))
    return ::testing::AssertionFailure() << "not a log line: " << line;
  if (match[2] != level || match[3] != message)
    return ::testing::AssertionFailure() << "expected [" << level << "] " << message << ", got: " << line;
  return ::testing::AssertionSuccess();
}

void log_every_level(RunLog& log) {
  log.log(CF_LOG_DEBUG, "d");
  log.log(CF_LOG_INFO, "i");
  log.log(CF_LOG_WARNING, "w");
  log.log(CF_LOG_ERROR, "e");
}

struct Outcome {
  std::string console;
  std::string file;
};

Outcome run_with(LogSettings settings, const std::function<void(RunLog&)>& body) {
  ScratchFolder folder;
  settings.file = folder.path() / "logs" / "nested" / "run.log";
  Outcome outcome;
  outcome.console = capture_stdout([&] {
    RunLog log(settings);
    body(log);
  });
  outcome.file = read_text(*settings.file);
  return outcome;
}

TEST(RunLog, DefaultsLogInfoAndUpToFileAndConsole) {
  LogSettings settings;
  settings.color = false;
  const Outcome out = run_with(settings, log_every_level);
  const auto file = lines_of(out.file);
  ASSERT_EQ(file.size(), 3u) << out.file;
  EXPECT_TRUE(is_file_line(file[0], "INFO", "i"));
  EXPECT_TRUE(is_file_line(file[1], "WARNING", "w"));
  EXPECT_TRUE(is_file_line(file[2], "ERROR", "e"));
  EXPECT_EQ(out.console, "INFO - i\nWARNING - w\nERROR - e\n");
}

TEST(RunLog, VerboseAddsDebugLinesToBoth) {
  LogSettings settings;
  settings.color = false;
  settings.verbose = true;
  const Outcome out = run_with(settings, log_every_level);
  const auto file = lines_of(out.file);
  ASSERT_EQ(file.size(), 4u) << out.file;
  EXPECT_TRUE(is_file_line(file[0], "DEBUG", "d"));
  EXPECT_TRUE(is_file_line(file[3], "ERROR", "e"));
  EXPECT_EQ(out.console, "DEBUG - d\nINFO - i\nWARNING - w\nERROR - e\n");
}

TEST(RunLog, QuietSilencesTheConsoleButNotTheFile) {
  LogSettings settings;
  settings.quiet = true;
  const Outcome out = run_with(settings, log_every_level);
  EXPECT_EQ(out.console, "");
  const auto file = lines_of(out.file);
  ASSERT_EQ(file.size(), 3u) << out.file;
  EXPECT_TRUE(is_file_line(file[0], "INFO", "i"));

  settings.verbose = true;
  const Outcome verbose = run_with(settings, log_every_level);
  EXPECT_EQ(verbose.console, "");
  EXPECT_EQ(lines_of(verbose.file).size(), 4u) << verbose.file;
}

TEST(RunLog, PlainConsoleLinesAreTheFileLines) {
  LogSettings settings;
  settings.plain = true;
  settings.color = true;  // plain wins: the file format has no colour
  settings.verbose = true;
  const Outcome out = run_with(settings, log_every_level);
  EXPECT_EQ(lines_of(out.console).size(), 4u) << out.console;
  EXPECT_EQ(out.console, out.file);
  EXPECT_EQ(out.console.find('\033'), std::string::npos);
}

TEST(RunLog, ColourOnlyOnTheConsoleAndOnlyWhenAsked) {
  LogSettings settings;
  settings.verbose = true;
  settings.color = true;
  const Outcome coloured = run_with(settings, log_every_level);
  EXPECT_EQ(coloured.console,
            "\033[2mDEBUG\033[0m - d\n"
            "\033[32mINFO\033[0m - i\n"
            "\033[33mWARNING\033[0m - w\n"
            "\033[31mERROR\033[0m - e\n");
  EXPECT_EQ(coloured.file.find('\033'), std::string::npos) << coloured.file;

  settings.color = false;
  const Outcome uncoloured = run_with(settings, log_every_level);
  EXPECT_EQ(uncoloured.console.find('\033'), std::string::npos) << uncoloured.console;
}

TEST(RunLog, ContextPrefixesLinesUntilCleared) {
  LogSettings settings;
  settings.color = false;
  const Outcome out = run_with(settings, [](RunLog& log) {
    log.set_context("baseline_knn");
    log.log(CF_LOG_INFO, "training");
    log.log(CF_LOG_WARNING, "slow");
    log.clear_context();
    log.log(CF_LOG_INFO, "done");
  });
  EXPECT_EQ(out.console, "INFO - [baseline_knn] training\nWARNING - [baseline_knn] slow\nINFO - done\n");
  const auto file = lines_of(out.file);
  ASSERT_EQ(file.size(), 3u) << out.file;
  EXPECT_TRUE(is_file_line(file[0], "INFO", "[baseline_knn] training"));
  EXPECT_TRUE(is_file_line(file[1], "WARNING", "[baseline_knn] slow"));
  EXPECT_TRUE(is_file_line(file[2], "INFO", "done"));
}

TEST(RunLog, MessagesAreNotFormatStrings) {
  LogSettings settings;
  settings.color = false;
  const Outcome out = run_with(settings, [](RunLog& log) { log.log(CF_LOG_INFO, "{} {0} {:x} %v"); });
  EXPECT_EQ(out.console, "INFO - {} {0} {:x} %v\n");
}

TEST(RunLog, AppendRawGoesToTheFileOnlyAsIs) {
  LogSettings settings;
  settings.color = false;
  const Outcome out = run_with(settings, [](RunLog& log) {
    log.log(CF_LOG_INFO, "before");
    log.append_raw("Traceback: something\n  at frame 1\n");
    log.append_raw("no newline");
    log.log(CF_LOG_INFO, "after");
  });
  EXPECT_EQ(out.console, "INFO - before\nINFO - after\n");
  const auto file = lines_of(out.file);
  ASSERT_EQ(file.size(), 4u) << out.file;
  EXPECT_TRUE(is_file_line(file[0], "INFO", "before"));
  EXPECT_EQ(file[1], "Traceback: something");
  EXPECT_EQ(file[2], "  at frame 1");
  ASSERT_EQ(file[3].rfind("no newline", 0), 0u) << file[3];
  EXPECT_TRUE(is_file_line(file[3].substr(10), "INFO", "after"));
}

TEST(RunLog, LinesReachTheFileWithoutAnExplicitFlush) {
  ScratchFolder folder;
  LogSettings settings;
  settings.quiet = true;
  settings.verbose = true;
  settings.file = folder.path() / "run.log";
  RunLog log(settings);
  log.log(CF_LOG_INFO, "first");
  EXPECT_EQ(lines_of(read_text(*settings.file)).size(), 1u);
  log.log(CF_LOG_DEBUG, "second");
  EXPECT_EQ(lines_of(read_text(*settings.file)).size(), 2u);
  log.append_raw("raw\n");
  EXPECT_EQ(lines_of(read_text(*settings.file)).size(), 3u);
}

TEST(RunLog, AppendsToAnExistingFile) {
  ScratchFolder folder;
  LogSettings settings;
  settings.quiet = true;
  settings.file = folder.write("run.log", "earlier line\n");
  {
    RunLog log(settings);
    log.log(CF_LOG_INFO, "later");
  }
  const auto file = lines_of(read_text(*settings.file));
  ASSERT_EQ(file.size(), 2u);
  EXPECT_EQ(file[0], "earlier line");
  EXPECT_TRUE(is_file_line(file[1], "INFO", "later"));
}

TEST(RunLog, NoFileWithoutAPath) {
  ScratchFolder folder;
  LogSettings settings;
  settings.color = false;
  std::optional<std::filesystem::path> reported;
  const std::string console = capture_stdout([&] {
    RunLog log(settings);
    reported = log.file();
    log.log(CF_LOG_INFO, "console only");
    log.append_raw("dropped\n");
    log.flush();
  });
  EXPECT_FALSE(reported.has_value());
  EXPECT_EQ(console, "INFO - console only\n");
  EXPECT_TRUE(std::filesystem::is_empty(folder.path()));
}

TEST(RunLog, TwoLogsKeepTheirOwnFiles) {
  ScratchFolder folder;
  LogSettings first_settings;
  first_settings.quiet = true;
  first_settings.file = folder.path() / "first.log";
  LogSettings second_settings = first_settings;
  second_settings.file = folder.path() / "second.log";
  {
    RunLog first(first_settings);
    RunLog second(second_settings);
    std::thread a([&] {
      for (int i = 0; i < 200; ++i) first.log(CF_LOG_INFO, "first " + std::to_string(i));
    });
    std::thread b([&] {
      for (int i = 0; i < 200; ++i) second.log(CF_LOG_INFO, "second " + std::to_string(i));
    });
    a.join();
    b.join();
  }
  const auto first = lines_of(read_text(*first_settings.file));
  const auto second = lines_of(read_text(*second_settings.file));
  ASSERT_EQ(first.size(), 200u);
  ASSERT_EQ(second.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(is_file_line(first[i], "INFO", "first " + std::to_string(i)));
    EXPECT_TRUE(is_file_line(second[i], "INFO", "second " + std::to_string(i)));
  }
}

TEST(RunLog, UnwritableFileIsAUserErrorNamingIt) {
  ScratchFolder folder;
  LogSettings settings;
  settings.quiet = true;
  // A regular file where the log's folder should be: the file can never be created.
  settings.file = folder.write("blocker", "") / "run.log";
  try {
    RunLog log(settings);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(settings.file->string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cf::host
