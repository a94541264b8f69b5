// The progress display: the lines it renders (widths, windows, states) and the bytes it writes
// (erasing its previous drawing before a log line and drawing again after it).
#include "log/progress_display.hpp"
#include "support/terminal_screen.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <regex>
#include <string>
#include <vector>

namespace cf::host {
namespace {

std::size_t columns(const std::string& text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

TEST(ProgressDisplayTest, RendersARowPerRecordAndATotal) {
  const std::vector<ProgressRow> rows{{"#0 ridge", 4, 2, "fit", false}, {"#1 knn", 4, 4, "", false}};
  const auto lines = render_progress(rows, 100, 10);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(#0 ridge +\[=+ +\]  2/4  fit)"))) << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(R"(#1 knn +\[=+\]  4/4  done)"))) << lines[1];
  EXPECT_TRUE(std::regex_match(lines[2], std::regex(R"(total +\[=+ +\]  6/8  stages)"))) << lines[2];
  // Columns line up: the bars start at the same place on every line.
  EXPECT_EQ(lines[0].find('['), lines[2].find('['));
  EXPECT_EQ(lines[1].find('['), lines[2].find('['));
}

TEST(ProgressDisplayTest, NoLineReachesTheTerminalsLastColumn) {
  const std::vector<ProgressRow> rows{
      {"#0 " + std::string(60, 'x'), 12, 3, "a_stage_with_a_rather_long_name", false},
      {"#1 "
       "sch\xc3\xb6n_\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
       "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc",
       2, 0, "", false}};
  for (const std::size_t width : {20u, 40u, 60u, 80u, 200u}) {
    for (const auto& line : render_progress(rows, width, 10)) {
      EXPECT_LT(columns(line), width) << width << ": " << line;
      // A cut never splits a UTF-8 sequence: the line stays valid UTF-8.
      EXPECT_FALSE(!line.empty() && (static_cast<unsigned char>(line.back()) & 0xC0) == 0xC0) << line;
    }
  }
}

TEST(ProgressDisplayTest, ManyRecordsShowAWindowFromTheFirstUnfinished) {
  std::vector<ProgressRow> rows;
  for (int i = 0; i < 30; ++i) rows.push_back({"#" + std::to_string(i), 2, i < 10 ? 2u : 0u, "", false});
  auto lines = render_progress(rows, 100, 5);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0].rfind("#10 ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[4].rfind("#14 ", 0), 0u) << lines[4];
  EXPECT_NE(lines[5].find("20/60  stages, 30 records"), std::string::npos) << lines[5];
  // All done: the window rests on the last records.
  for (auto& row : rows) row.done = row.total;
  lines = render_progress(rows, 100, 5);
  EXPECT_EQ(lines[4].rfind("#29 ", 0), 0u) << lines[4];
}

TEST(ProgressDisplayTest, FailedRowSaysSoInRowAndTotal) {
  const std::vector<ProgressRow> rows{{"#0 a", 3, 2, "failed: fit", true}};
  const auto lines = render_progress(rows, 100, 10);
  EXPECT_NE(lines[0].find("2/3  failed: fit"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("stages, failed"), std::string::npos) << lines[1];
}

// The display on a pipe standing in for the terminal (it is drawn there whatever the fd is;
// deciding whether to draw is the caller's job), with log lines written to the same pipe.
class DisplayOnPipe : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe2(fds_.data(), O_NONBLOCK), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  std::string written() {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;)
      text.append(buffer, static_cast<std::size_t>(n));
    return text;
  }
  int fd() const { return fds_[1]; }
  void log_line(const std::string& text) const {
    const std::string line = text + "\n";
    ASSERT_EQ(::write(fds_[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }

 private:
  std::array<int, 2> fds_{-1, -1};
};

TEST_F(DisplayOnPipe, LogLinesPassAboveAndTheFinalStateStays) {
  {
    ProgressDisplay display(fd(), true);
    display.start({{"#0 a", 2, 0, "", false}, {"#1 b", 1, 0, "", false}});
    display.stage_started(0, "load", false);
    display.print_above([&] { log_line("INFO - first line"); });
    display.stage_done(0, false, false);
    display.stage_started(0, "fit", false);
    display.print_above([&] { log_line("INFO - second line"); });
    display.stage_done(0, false, false);
    display.stage_started(1, "compare (loading)", true);
    display.stage_done(1, false, true);
    display.finish();
    display.print_above([&] { log_line("INFO - after the bars"); });
  }
  const auto screen = cf::test::terminal_screen(written());
  ASSERT_EQ(screen.size(), 6u) << ::testing::PrintToString(screen);
  EXPECT_EQ(screen[0], "INFO - first line");
  EXPECT_EQ(screen[1], "INFO - second line");
  EXPECT_TRUE(std::regex_match(screen[2], std::regex(R"(#0 a +\[=+\]  2/2  done)"))) << screen[2];
  EXPECT_TRUE(std::regex_match(screen[3], std::regex(R"(#1 b +\[=+\]  1/1  done)"))) << screen[3];
  EXPECT_TRUE(std::regex_match(screen[4], std::regex(R"(total +\[=+\]  3/3  stages)"))) << screen[4];
  EXPECT_EQ(screen[5], "INFO - after the bars");
}

TEST_F(DisplayOnPipe, LogElsewhereLeavesTheBarsAlone) {
  ProgressDisplay display(fd(), false);
  display.start({{"#0 a", 1, 0, "", false}});
  const std::string before = written();
  bool printed = false;
  display.print_above([&] { printed = true; });
  EXPECT_TRUE(printed);
  EXPECT_EQ(written(), "") << "redrew for a line printed on another terminal";
  EXPECT_NE(before.find("0/1"), std::string::npos) << before;
}

}  // namespace
}  // namespace cf::host
