// What a terminal would show after some output, for tests of in-place drawing: an endless
// screen (nothing scrolls away) that understands carriage return, line feed (which also returns
// to the first column, as a terminal's usual output processing, ONLCR, makes it), cursor up
// (ESC[nA), erase below (ESC[J) and erase line (ESC[K), and ignores other CSI sequences such as
// colours. Each byte takes a column, which is enough for the ASCII the tests compare.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cf::test {

inline std::vector<std::string> terminal_screen(std::string_view bytes) {
  std::vector<std::string> lines(1);
  std::size_t row = 0;
  std::size_t col = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\033' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
      std::size_t end = i + 2;
      while (end < bytes.size() && !(bytes[end] >= '@' && bytes[end] <= '~')) ++end;
      if (end >= bytes.size()) break;
      const std::string parameter(bytes.substr(i + 2, end - i - 2));
      const std::size_t n = parameter.empty() ? 1 : std::stoul(parameter);
      switch (bytes[end]) {
        case 'A':
          row = row >= n ? row - n : 0;
          break;
        case 'J':
          lines.resize(row + 1);
          if (lines[row].size() > col) lines[row].resize(col);
          break;
        case 'K':
          if (lines[row].size() > col) lines[row].resize(col);
          break;
        default:
          break;  // colours and the like change no text
      }
      i = end;
      continue;
    }
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      ++row;
      col = 0;
    } else {
      if (lines.size() <= row) lines.resize(row + 1);
      std::string& line = lines[row];
      if (line.size() < col) line.append(col - line.size(), ' ');
      if (line.size() == col) {
        line += c;
      } else {
        line[col] = c;
      }
      ++col;
    }
    if (lines.size() <= row) lines.resize(row + 1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace cf::test
