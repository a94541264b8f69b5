#include "serve/safe_path.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <system_error>
#include <utility>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path whose segments are all real names: no empty segment except a final one (the trailing
// '/' of a folder), no '.' or '..'. An empty segment elsewhere is "//", which some layers treat
// as a fresh absolute path; '.' segments are never produced by a browser, so they only serve to
// dodge a check.
bool plain_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) return segment != "." && segment != "..";
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = slash + 1;
  }
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// `inner` lies in or below `outer`; both must be canonical, so comparing components is exact.
bool is_within(const fs::path& outer, const fs::path& inner) {
  auto inner_it = inner.begin();
  for (auto outer_it = outer.begin(); outer_it != outer.end(); ++outer_it, ++inner_it) {
    // A trailing separator shows up as an empty last component; it adds no constraint.
    if (outer_it->empty() && std::next(outer_it) == outer.end()) return true;
    if (inner_it == inner.end() || *inner_it != *outer_it) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    const char byte = static_cast<char>(high * 16 + low);
    if (byte == '\0') return std::nullopt;
    decoded += byte;
    i += 2;
  }
  return decoded;
}

std::optional<std::string> content_type_for(const fs::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".txt", "text/plain; charset=utf-8"},
      {".log", "text/plain; charset=utf-8"},
      {".json", "application/json"},
  }};
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) return std::string(type);
  }
  return std::nullopt;
}

SafeRoot::SafeRoot(const fs::path& root) : root_(fs::canonical(root)) {}

Resolution SafeRoot::resolve(std::string_view target) const {
  const Resolution not_found;
  const std::string_view raw = target.substr(0, target.find_first_of("?#"));
  if (raw.find('\\') != std::string_view::npos || !plain_segments(raw)) return not_found;
  const auto decoded = percent_decode(raw);
  if (!decoded || decoded->find('\\') != std::string::npos || has_control_character(*decoded) ||
      !plain_segments(*decoded)) {
    return not_found;
  }

  std::string relative = decoded->substr(1);
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  std::error_code error;
  const fs::path resolved = fs::weakly_canonical(root_ / relative, error);
  // Symlinks are followed before this check, so one that leads outside the folder is refused
  // while one between report folders (like _latest) works.
  if (error || !is_within(root_, resolved)) return not_found;

  const fs::file_status status = fs::status(resolved, error);
  if (error) return not_found;
  if (fs::is_directory(status)) {
    Resolution folder;
    folder.kind = Resolution::Kind::add_slash;
    folder.location = std::string(raw) + "/";
    return folder;
  }
  if (!fs::is_regular_file(status)) return not_found;
  auto type = content_type_for(resolved);
  if (!type) return not_found;
  Resolution file;
  file.kind = Resolution::Kind::file;
  file.file = resolved;
  file.content_type = std::move(*type);
  return file;
}

}  // namespace cf::host
