// --progress: a bar per record (stages done of its total, the stage running now) and a total
// bar, redrawn in place on a terminal with ANSI sequences. It knows nothing of runs or stages
// beyond rows of counts; engine/run_progress feeds it from a run's session.
#pragma once

#include "log/console_overlay.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace cf::host {

struct ProgressRow {
  std::string label;
  std::size_t total = 0;
  std::size_t done = 0;
  std::string current;  // the stage running now, empty when none
  bool failed = false;
};

// The display's lines (without line ends) for a terminal `width` columns wide: at most
// `max_rows` record rows (a window starting at the first unfinished record when there are
// more), then the total bar. No line is wider than width - 1 columns, so none wraps (a wrapped
// line would throw off the cursor movement that erases the display).
std::vector<std::string> render_progress(const std::vector<ProgressRow>& rows, std::size_t width,
                                         std::size_t max_rows);

class ProgressDisplay final : public ConsoleOverlay {
 public:
  // Draws on `fd`, a terminal the caller keeps open for the display's lifetime.
  // `log_on_same_terminal`: console log lines go to the same terminal, so each must clear the
  // bars first; when false they go elsewhere and print without touching the bars.
  ProgressDisplay(int fd, bool log_on_same_terminal);
  ~ProgressDisplay() override;
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // The rows to show; draws them for the first time.
  void start(std::vector<ProgressRow> rows);
  // Row `row` is running (or loading) `stage`. `quick`: an event that usually passes in a moment
  // (loading from the cache), so its redraw may be dropped when the last one was very recent.
  void stage_started(std::size_t row, const std::string& stage, bool quick);
  // One more stage of row `row` is done (or failed).
  void stage_done(std::size_t row, bool failed, bool quick);
  // Draws the final state and leaves it on screen; later output prints below it.
  void finish();

  void print_above(const std::function<void()>& print) override;

 private:
  // Callers hold mutex_.
  void draw(bool quick);
  void redraw();
  // The sequence that erases what is drawn, and the lines to draw (which it then counts as drawn).
  std::string erase() const;
  std::string lines();

  std::mutex mutex_;
  int fd_;
  bool log_on_same_terminal_;
  std::vector<ProgressRow> rows_;
  bool active_ = false;          // started and not finished
  std::size_t drawn_lines_ = 0;  // lines on screen now, the cursor just below them
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace cf::host
