#include "log/progress_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace cf::host {
namespace {

// Quick events closer together than this are drawn once: a run loading thousands of cached
// stage calls would otherwise spend its time repainting the terminal.
constexpr auto kQuickRedrawInterval = std::chrono::milliseconds(50);
constexpr std::size_t kMaxLabelColumns = 28;

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Columns a UTF-8 text takes, counting each code point as one.
std::size_t columns(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !continuation_byte(c); }));
}

// The text cut to at most `limit` columns, never inside a UTF-8 sequence.
std::string cut(std::string_view text, std::size_t limit) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (continuation_byte(text[i])) continue;
    if (seen == limit) return std::string(text.substr(0, i));
    ++seen;
  }
  return std::string(text);
}

std::string padded(std::string_view text, std::size_t width) {
  std::string out = cut(text, width);
  out.append(width - columns(out), ' ');
  return out;
}

std::string right_aligned(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string bar(std::size_t done, std::size_t total, std::size_t width) {
  const std::size_t filled = total == 0 ? width : std::min(width, done * width / total);
  return "[" + std::string(filled, '=') + std::string(width - filled, ' ') + "]";
}

std::string counts(std::size_t done, std::size_t total, std::size_t digits) {
  return right_aligned(std::to_string(done), digits) + "/" + right_aligned(std::to_string(total), digits);
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // a terminal that went away: the run goes on without its bars
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::vector<std::string> render_progress(const std::vector<ProgressRow>& rows, std::size_t width,
                                         std::size_t max_rows) {
  const std::size_t usable = std::max<std::size_t>(width, 20) - 1;
  std::size_t label_width = columns("total");
  std::size_t all_done = 0;
  std::size_t all_total = 0;
  std::size_t row_digits = 1;
  bool any_failed = false;
  for (const ProgressRow& row : rows) {
    label_width = std::max(label_width, std::min(columns(row.label), kMaxLabelColumns));
    all_done += row.done;
    all_total += row.total;
    row_digits = std::max(row_digits, std::to_string(row.total).size());
    any_failed = any_failed || row.failed;
  }
  const std::size_t total_digits = std::to_string(all_total).size();
  // Room for label, bar, counts and a short stage name; the bar gives way first on a narrow
  // terminal, then the cut at the end takes what still does not fit.
  const std::size_t fixed = label_width + 2 + 2 + 2 + 2 * total_digits + 1 + 2 + 12;
  const std::size_t bar_width = std::clamp<std::size_t>(usable > fixed ? usable - fixed : 0, 10, 30);

  auto line = [&](const std::string& label, std::size_t done, std::size_t total, std::size_t digits,
                  const std::string& status) {
    std::string text =
        padded(label, label_width) + "  " + bar(done, total, bar_width) + "  " + counts(done, total, digits);
    if (!status.empty()) text += "  " + status;
    return cut(text, usable);
  };

  std::vector<std::string> lines;
  const std::size_t visible = std::min(rows.size(), std::max<std::size_t>(max_rows, 1));
  std::size_t first = 0;
  while (first < rows.size() && rows[first].done >= rows[first].total && !rows[first].failed) ++first;
  first = std::min(first, rows.size() - visible);
  for (std::size_t i = first; i < first + visible; ++i) {
    const ProgressRow& row = rows[i];
    std::string status = row.current;
    if (status.empty() && !row.failed && row.done >= row.total) status = "done";
    lines.push_back(line(row.label, row.done, row.total, row_digits, status));
  }
  std::string summary = "stages";
  if (visible < rows.size()) summary += ", " + std::to_string(rows.size()) + " records";
  if (any_failed) summary += ", failed";
  lines.push_back(line("total", all_done, all_total, total_digits, summary));
  return lines;
}

ProgressDisplay::ProgressDisplay(int fd, bool log_on_same_terminal)
    : fd_(fd), log_on_same_terminal_(log_on_same_terminal) {}

ProgressDisplay::~ProgressDisplay() {
  finish();
}

void ProgressDisplay::start(std::vector<ProgressRow> rows) {
  const std::lock_guard<std::mutex> lock(mutex_);
  rows_ = std::move(rows);
  active_ = true;
  draw(false);
}

void ProgressDisplay::stage_started(std::size_t row, const std::string& stage, bool quick) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (row >= rows_.size()) return;
  rows_[row].current = stage;
  draw(quick);
}

void ProgressDisplay::stage_done(std::size_t row, bool failed, bool quick) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (row >= rows_.size()) return;
  ProgressRow& target = rows_[row];
  target.done = std::min(target.done + 1, target.total);
  if (failed) {
    target.failed = true;
    target.current = "failed" + (target.current.empty() ? std::string() : ": " + target.current);
  } else if (!target.failed) {
    target.current.clear();
  }
  draw(quick);
}

void ProgressDisplay::finish() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!active_) return;
  redraw();
  // What is drawn now stays: the next output starts below it.
  drawn_lines_ = 0;
  active_ = false;
}

void ProgressDisplay::print_above(const std::function<void()>& print) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!active_ || !log_on_same_terminal_) {
    print();
    return;
  }
  write_all(fd_, erase());
  drawn_lines_ = 0;
  print();
  redraw();
}

void ProgressDisplay::draw(bool quick) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (quick && now - last_draw_ < kQuickRedrawInterval) return;
  redraw();
  last_draw_ = now;
}

void ProgressDisplay::redraw() {
  // One write, so the terminal never shows a half-erased display.
  std::string text = erase();
  text += lines();
  write_all(fd_, text);
}

std::string ProgressDisplay::erase() const {
  if (drawn_lines_ == 0) return "";
  // The cursor sits at the start of the line below the display: up to its first line, then
  // clear everything from there down.
  return "\r\033[" + std::to_string(drawn_lines_) + "A\033[J";
}

std::string ProgressDisplay::lines() {
  std::size_t width = 80;
  std::size_t height = 24;
  if (winsize size{}; ::ioctl(fd_, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0) {
    width = size.ws_col;
    height = size.ws_row;
  }
  // Leave room for the log lines scrolling above, and never more rows than the screen has
  // (the cursor cannot move up past its top to erase them).
  const std::size_t max_rows = std::clamp<std::size_t>(height / 2, 1, 20);
  const auto rendered = render_progress(rows_, width, max_rows);
  std::string text;
  for (const auto& line : rendered) text += "\r" + line + "\n";
  drawn_lines_ = rendered.size();
  return text;
}

}  // namespace cf::host
