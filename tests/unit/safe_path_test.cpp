// Which request targets reach which files of a reports folder: a table of the ordinary paths a
// browser asks for and the tricks that try to leave the folder.
#include "serve/safe_path.hpp"

#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using cf::host::Resolution;
using cf::host::SafeRoot;

// A project folder with a reports folder inside and a secret beside it, so escaping the
// reports folder by one level would find something.
class SafePathTest : public ::testing::Test {
 protected:
  SafePathTest() {
    folder_.write("secret.txt", "outside");
    folder_.write("reports/index.html", "<html>index</html>");
    folder_.write("reports/run/index.html", "<html>run</html>");
    folder_.write("reports/run/style.css", "body {}");
    folder_.write("reports/run/log.txt", "log");
    folder_.write("reports/run/plot.svg", "<svg/>");
    folder_.write("reports/run/data.bin", "binary");
    folder_.write("reports/run/a b.png", "png");
    fs::create_directory_symlink(folder_.path() / "reports" / "run", folder_.path() / "reports" / "_latest");
    fs::create_directory_symlink(folder_.path(), folder_.path() / "reports" / "escape");
    fs::create_symlink(folder_.path() / "secret.txt", folder_.path() / "reports" / "secret.txt");
  }

  fs::path reports() const { return fs::canonical(folder_.path() / "reports"); }

  ScratchFolder folder_;
};

TEST_F(SafePathTest, ResolvesOrRefusesEachTarget) {
  const SafeRoot root(folder_.path() / "reports");
  const struct {
    const char* target;
    Resolution::Kind kind;
    const char* file;  // relative to the reports folder, for Kind::file
  } cases[] = {
      {"/", Resolution::Kind::file, "index.html"},
      {"/index.html", Resolution::Kind::file, "index.html"},
      {"/index.html?refresh=1", Resolution::Kind::file, "index.html"},
      {"/run/", Resolution::Kind::file, "run/index.html"},
      {"/run/style.css", Resolution::Kind::file, "run/style.css"},
      {"/run/a%20b.png", Resolution::Kind::file, "run/a b.png"},
      {"/_latest/", Resolution::Kind::file, "run/index.html"},
      {"/_latest/plot.svg", Resolution::Kind::file, "run/plot.svg"},
      {"/run", Resolution::Kind::add_slash, ""},
      {"/_latest", Resolution::Kind::add_slash, ""},
      // Traversal, raw, encoded, half encoded, double encoded.
      {"/../etc/passwd", Resolution::Kind::not_found, ""},
      {"/../secret.txt", Resolution::Kind::not_found, ""},
      {"/%2e%2e/x", Resolution::Kind::not_found, ""},
      {"/%2e%2e/secret.txt", Resolution::Kind::not_found, ""},
      {"/a/%2E%2e/b", Resolution::Kind::not_found, ""},
      {"/run/.%2e/secret.txt", Resolution::Kind::not_found, ""},
      {"/a/..%2fb", Resolution::Kind::not_found, ""},
      {"/run/..%2f..%2fsecret.txt", Resolution::Kind::not_found, ""},
      {"/%252e%252e/secret.txt", Resolution::Kind::not_found, ""},
      {"/./index.html", Resolution::Kind::not_found, ""},
      {"/run/..", Resolution::Kind::not_found, ""},
      // Malformed escapes and NUL.
      {"/%00", Resolution::Kind::not_found, ""},
      {"/index.html%00.png", Resolution::Kind::not_found, ""},
      {"/%", Resolution::Kind::not_found, ""},
      {"/%2", Resolution::Kind::not_found, ""},
      {"/%zz", Resolution::Kind::not_found, ""},
      // Absolute and double-slash tricks, backslashes.
      {"//etc/passwd", Resolution::Kind::not_found, ""},
      {"/%2fetc/passwd", Resolution::Kind::not_found, ""},
      {"/run//style.css", Resolution::Kind::not_found, ""},
      {"/a\\b", Resolution::Kind::not_found, ""},
      {"/..%5csecret.txt", Resolution::Kind::not_found, ""},
      {"/run%5cstyle.css", Resolution::Kind::not_found, ""},
      {"", Resolution::Kind::not_found, ""},
      {"index.html", Resolution::Kind::not_found, ""},
      {"http://example.com/index.html", Resolution::Kind::not_found, ""},
      // Symlinks that lead out of the folder.
      {"/escape/secret.txt", Resolution::Kind::not_found, ""},
      {"/escape/reports/index.html", Resolution::Kind::file, "index.html"},
      {"/secret.txt", Resolution::Kind::not_found, ""},
      // Missing files and types reports never contain.
      {"/missing.html", Resolution::Kind::not_found, ""},
      {"/run/missing/", Resolution::Kind::not_found, ""},
      {"/run/data.bin", Resolution::Kind::not_found, ""},
  };
  for (const auto& c : cases) {
    const Resolution resolution = root.resolve(c.target);
    EXPECT_EQ(resolution.kind, c.kind) << "'" << c.target << "'";
    if (c.kind == Resolution::Kind::file && resolution.kind == c.kind) {
      EXPECT_EQ(resolution.file, reports() / c.file) << c.target;
    }
  }
}

TEST_F(SafePathTest, FolderWithoutSlashRedirectsToItselfWithSlash) {
  const SafeRoot root(folder_.path() / "reports");
  EXPECT_EQ(root.resolve("/run?x=1").location, "/run/");
  EXPECT_EQ(root.resolve("/_latest").location, "/_latest/");
}

TEST_F(SafePathTest, ContentTypesByExtension) {
  const SafeRoot root(folder_.path() / "reports");
  EXPECT_EQ(root.resolve("/").content_type, "text/html; charset=utf-8");
  EXPECT_EQ(root.resolve("/run/style.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(root.resolve("/run/log.txt").content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(root.resolve("/run/plot.svg").content_type, "image/svg+xml");
  EXPECT_EQ(root.resolve("/run/a%20b.png").content_type, "image/png");
  EXPECT_EQ(cf::host::content_type_for("x.JPG"), "image/jpeg");
  EXPECT_EQ(cf::host::content_type_for("x.jpeg"), "image/jpeg");
  EXPECT_EQ(cf::host::content_type_for("x.gif"), "image/gif");
  EXPECT_EQ(cf::host::content_type_for("run.log"), "text/plain; charset=utf-8");
  EXPECT_EQ(cf::host::content_type_for("run.json"), "application/json");
  EXPECT_EQ(cf::host::content_type_for("store.db"), std::nullopt);
  EXPECT_EQ(cf::host::content_type_for("Makefile"), std::nullopt);
}

TEST(PercentDecode, DecodesOnceAndRefusesMalformedEscapes) {
  EXPECT_EQ(cf::host::percent_decode("/a%20b"), "/a b");
  EXPECT_EQ(cf::host::percent_decode("%2E%2e"), "..");
  EXPECT_EQ(cf::host::percent_decode("%252e"), "%2e");
  EXPECT_EQ(cf::host::percent_decode("a+b"), "a+b");
  EXPECT_EQ(cf::host::percent_decode("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(cf::host::percent_decode("%"), std::nullopt);
  EXPECT_EQ(cf::host::percent_decode("%4"), std::nullopt);
  EXPECT_EQ(cf::host::percent_decode("%g0"), std::nullopt);
  EXPECT_EQ(cf::host::percent_decode("%00"), std::nullopt);
}

TEST(SafeRootTest, MissingFolderIsAnError) {
  ScratchFolder folder;
  EXPECT_THROW(SafeRoot(folder.path() / "nope"), std::filesystem::filesystem_error);
}

}  // namespace
}  // namespace cf::test
