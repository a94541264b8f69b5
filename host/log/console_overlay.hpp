// Something drawn in place at the bottom of the terminal (progress bars) that console log lines
// must pass above: the log hands each line to the overlay, which clears its drawing, lets the
// line print, and draws itself again below it, so neither garbles the other.
#pragma once

#include <functional>

namespace cf::host {

class ConsoleOverlay {
 public:
  virtual ~ConsoleOverlay() = default;
  // Clears the drawing, calls `print` (which writes and flushes one console line), draws again.
  virtual void print_above(const std::function<void()>& print) = 0;
};

}  // namespace cf::host
