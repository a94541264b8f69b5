// Which file under the reports folder a request may see. Kept apart from the HTTP server so the
// rules that stop path traversal can be tested as a plain table, without sockets.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

// Decodes %XX escapes exactly once ('+' stays '+', as in a URL path). Empty when an escape is
// malformed or decodes to NUL, since either can only be an attempt to confuse a later check.
std::optional<std::string> percent_decode(std::string_view text);

// The Content-Type a report file is served with, by extension; empty for a type reports do not
// contain, which is then not served at all.
std::optional<std::string> content_type_for(const std::filesystem::path& file);

struct Resolution {
  enum class Kind {
    file,       // serve `file` as `content_type`
    add_slash,  // a folder named without its trailing '/': redirect so relative links work
    not_found,  // missing, unsafe or of a type that is not served: all look the same
  };
  Kind kind = Kind::not_found;
  std::filesystem::path file;  // canonical, for Kind::file
  std::string content_type;    // for Kind::file
  std::string location;        // for Kind::add_slash: the path as requested, plus '/'
};

// A reports folder, canonicalised once, and the only way to turn a request target into a file.
class SafeRoot {
 public:
  // Throws std::filesystem::filesystem_error when `root` does not exist.
  explicit SafeRoot(const std::filesystem::path& root);

  const std::filesystem::path& path() const { return root_; }

  // `target` is the raw request target ("/run/style.css?x=1"), not yet decoded: decoding here,
  // once, is what makes "%252e" stay harmless. "/" and "/x/" mean their index.html.
  Resolution resolve(std::string_view target) const;

 private:
  std::filesystem::path root_;
};

}  // namespace cf::host
