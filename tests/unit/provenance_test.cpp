#include "store/provenance.hpp"

#include "cache/checksum.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <git2.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <stdexcept>

namespace cf::host {
namespace {

using test::ScratchFolder;
using test::test_plugin;

void check(int code, const char* what) {
  if (code < 0) {
    const git_error* error = git_error_last();
    throw std::runtime_error(std::string(what) + ": " + (error != nullptr ? error->message : "?"));
  }
}

// A repository built with libgit2 itself, so the tests need no `git` binary or user config.
class TestRepository {
 public:
  explicit TestRepository(const std::filesystem::path& folder, bool bare = false) : folder_(folder) {
    git_libgit2_init();
    check(git_repository_init(&repository_, folder.c_str(), bare ? 1 : 0), "init");
  }
  ~TestRepository() {
    git_repository_free(repository_);
    git_libgit2_shutdown();
  }
  TestRepository(const TestRepository&) = delete;
  TestRepository& operator=(const TestRepository&) = delete;

  // Stages every path given and commits the index; returns the commit's hex id.
  std::string commit(const std::vector<std::string>& paths, const char* message = "a commit") {
    git_index* index = nullptr;
    check(git_repository_index(&index, repository_), "index");
    const std::unique_ptr<git_index, void (*)(git_index*)> index_guard(index, git_index_free);
    for (const auto& path : paths) check(git_index_add_bypath(index, path.c_str()), "add");
    check(git_index_write(index), "index write");
    git_oid tree_id;
    check(git_index_write_tree(&tree_id, index), "write tree");
    git_tree* tree = nullptr;
    check(git_tree_lookup(&tree, repository_, &tree_id), "tree lookup");
    const std::unique_ptr<git_tree, void (*)(git_tree*)> tree_guard(tree, git_tree_free);
    git_signature* signature = nullptr;
    check(git_signature_new(&signature, "Test", "test@example.com", 1700000000, 0), "signature");
    const std::unique_ptr<git_signature, void (*)(git_signature*)> signature_guard(signature,
                                                                                   git_signature_free);

    git_commit* parent = nullptr;
    git_oid parent_id;
    if (git_reference_name_to_id(&parent_id, repository_, "HEAD") == 0)
      check(git_commit_lookup(&parent, repository_, &parent_id), "parent");
    const std::unique_ptr<git_commit, void (*)(git_commit*)> parent_guard(parent, git_commit_free);
    const git_commit* parents[] = {parent};
    git_oid commit_id;
    check(git_commit_create(&commit_id, repository_, "HEAD", signature, signature, nullptr, message, tree,
                            parent != nullptr ? 1 : 0, parents),
          "commit");
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &commit_id);
    return hex;
  }

 private:
  std::filesystem::path folder_;
  git_repository* repository_ = nullptr;
};

bool inside_a_repository(const std::filesystem::path& folder) {
  git_libgit2_init();
  git_buf found = {};
  const bool inside = git_repository_discover(&found, folder.c_str(), 0, nullptr) == 0;
  git_buf_dispose(&found);
  git_libgit2_shutdown();
  return inside;
}

std::string command_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return {};
  std::string text;
  char chunk[4096];
  while (const std::size_t got = std::fread(chunk, 1, sizeof chunk, pipe.get())) text.append(chunk, got);
  return text;
}

TEST(Provenance, CleanRepositoryGivesHeadAndNoWarning) {
  ScratchFolder folder;
  TestRepository repository(folder.path());
  folder.write("a.txt", "one\n");
  folder.write("sub/b.txt", "two\n");
  repository.commit({"a.txt"});
  const std::string head = repository.commit({"sub/b.txt"}, "second");

  const GitState state = git_state(folder.path());
  EXPECT_EQ(state.commit, head);
  EXPECT_EQ(state.commit.size(), 40u);
  EXPECT_FALSE(state.dirty);
  EXPECT_EQ(state.warning, "");

  // Found from a subfolder too, as `git` does.
  EXPECT_EQ(git_state(folder.path() / "sub").commit, head);
}

TEST(Provenance, ModifiedFileIsDirtyAndNamed) {
  ScratchFolder folder;
  TestRepository repository(folder.path());
  folder.write("a.txt", "one\n");
  folder.write("b.txt", "two\n");
  const std::string head = repository.commit({"a.txt", "b.txt"});
  folder.write("b.txt", "changed\n");

  const GitState state = git_state(folder.path());
  EXPECT_EQ(state.commit, head);
  EXPECT_TRUE(state.dirty);
  EXPECT_EQ(state.warning, "uncommitted changes: b.txt");
}

TEST(Provenance, UntrackedFilesAreDirtyIgnoredOnesAreNot) {
  ScratchFolder folder;
  TestRepository repository(folder.path());
  folder.write(".gitignore", "data/\n*.log\n");
  repository.commit({".gitignore"});
  folder.write("data/cache/x.bin", "ignored");
  folder.write("run.log", "ignored");
  EXPECT_FALSE(git_state(folder.path()).dirty) << git_state(folder.path()).warning;

  folder.write("new.txt", "untracked");
  const GitState state = git_state(folder.path());
  EXPECT_TRUE(state.dirty);
  EXPECT_EQ(state.warning, "uncommitted changes: new.txt");
}

TEST(Provenance, WarningListsFivePathsThenACount) {
  ScratchFolder folder;
  TestRepository repository(folder.path());
  folder.write("keep.txt", "x");
  repository.commit({"keep.txt"});
  for (int i = 0; i < 8; ++i) folder.write("f" + std::to_string(i) + ".txt", "x");

  const GitState state = git_state(folder.path());
  EXPECT_TRUE(state.dirty);
  EXPECT_EQ(state.warning, "uncommitted changes: f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 3 more");
}

TEST(Provenance, RepositoryWithoutCommits) {
  ScratchFolder folder;
  TestRepository repository(folder.path());
  folder.write("a.txt", "one\n");
  const GitState state = git_state(folder.path());
  EXPECT_EQ(state.commit, "");
  EXPECT_EQ(state.warning, "no commits yet");
}

TEST(Provenance, OutsideAnyRepository) {
  ScratchFolder folder;
  if (inside_a_repository(folder.path()))
    GTEST_SKIP() << "the temporary folder is itself inside a repository";
  // Being in no repository is recorded, not warned about: the commit says so.
  const GitState state = git_state(folder.path());
  EXPECT_EQ(state.commit, "not a git repository");
  EXPECT_FALSE(state.dirty);
  EXPECT_EQ(state.warning, "");

  const GitState nowhere = git_state(folder.path() / "does" / "not" / "exist");
  EXPECT_EQ(nowhere.commit, "not a git repository");
  EXPECT_EQ(nowhere.warning, "");
}

TEST(Provenance, BareRepositoryIsNotAWorkTree) {
  ScratchFolder folder;
  TestRepository repository(folder.path() / "bare.git", /*bare=*/true);
  const GitState state = git_state(folder.path() / "bare.git");
  EXPECT_EQ(state.warning, "not inside a git work tree");
  EXPECT_EQ(state.commit, "");
}

TEST(Provenance, ElfBuildIdMatchesReadelf) {
  const auto plugin = test_plugin("listed_experiment");
  const std::string id = elf_build_id(plugin);
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{40}"))) << id;
  if (::access("/usr/bin/readelf", X_OK) == 0) {
    const std::string notes = command_output("LC_ALL=C /usr/bin/readelf -n '" + plugin.string() + "'");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(notes, match, std::regex("Build ID: ([0-9a-f]+)"))) << notes;
    EXPECT_EQ(id, match[1].str());
  }
}

TEST(Provenance, ElfBuildIdEmptyWithoutTheNote) {
  if (::access("/usr/bin/objcopy", X_OK) != 0) GTEST_SKIP() << "objcopy is not installed";
  ScratchFolder folder;
  const auto copy = folder.path() / "no_id.so";
  const std::string command = "/usr/bin/objcopy --remove-section .note.gnu.build-id '" +
                              test_plugin("listed_experiment").string() + "' '" + copy.string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(elf_build_id(copy), "");
}

TEST(Provenance, ElfBuildIdOfANonElfFileNamesIt) {
  ScratchFolder folder;
  const auto file = folder.write("text.so", "not an object");
  try {
    elf_build_id(file);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ": not an ELF file");
  }
}

TEST(Provenance, EnvironmentJsonHasTheDocumentedKeys) {
  ScratchFolder folder;
  const auto plugin = test_plugin("listed_experiment");
  const auto missing = folder.path() / "gone.so";
  GitState git;
  git.commit = std::string(40, 'a');
  git.dirty = true;
  const std::string text = environment_json(git, {plugin, missing});

  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  ASSERT_TRUE(doc.IsObject());

  ASSERT_TRUE(doc.HasMember("os") && doc["os"].IsObject()) << text;
  for (const char* key : {"sysname", "release", "version", "machine"}) {
    ASSERT_TRUE(doc["os"].HasMember(key) && doc["os"][key].IsString()) << key;
  }
  struct utsname system {};
  ASSERT_EQ(::uname(&system), 0);
  EXPECT_STREQ(doc["os"]["sysname"].GetString(), system.sysname);
  EXPECT_STREQ(doc["os"]["machine"].GetString(), system.machine);
  char hostname[256] = {};
  ASSERT_EQ(::gethostname(hostname, sizeof hostname - 1), 0);
  ASSERT_TRUE(doc.HasMember("hostname") && doc["hostname"].IsString());
  EXPECT_STREQ(doc["hostname"].GetString(), hostname);

  ASSERT_TRUE(doc.HasMember("compiler") && doc["compiler"].IsString());
  EXPECT_NE(std::string(doc["compiler"].GetString()), "");

  ASSERT_TRUE(doc.HasMember("libraries") && doc["libraries"].IsObject());
  for (const char* key :
       {"boost", "libgit2", "msgpack", "openssl", "rapidjson", "spdlog", "sqlite3", "xxhash", "zstd"}) {
    ASSERT_TRUE(doc["libraries"].HasMember(key) && doc["libraries"][key].IsString()) << key;
    EXPECT_NE(std::string(doc["libraries"][key].GetString()), "") << key;
  }
  EXPECT_TRUE(std::regex_match(doc["libraries"]["spdlog"].GetString(), std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_TRUE(std::regex_match(doc["libraries"]["boost"].GetString(), std::regex(R"(1\.\d+\.\d+)")));

  ASSERT_TRUE(doc.HasMember("plugins") && doc["plugins"].IsArray());
  ASSERT_EQ(doc["plugins"].Size(), 2u);
  const auto& first = doc["plugins"][0];
  EXPECT_EQ(std::string(first["path"].GetString()), plugin.string());
  EXPECT_EQ(std::string(first["build_id"].GetString()), elf_build_id(plugin));
  EXPECT_EQ(std::string(first["xxh3"].GetString()), file_checksum(plugin));
  EXPECT_FALSE(first.HasMember("error"));
  const auto& second = doc["plugins"][1];
  EXPECT_EQ(std::string(second["path"].GetString()), missing.string());
  EXPECT_EQ(std::string(second["build_id"].GetString()), "");
  ASSERT_TRUE(second.HasMember("error"));
  EXPECT_NE(std::string(second["error"].GetString()).find(missing.string()), std::string::npos);

  ASSERT_TRUE(doc.HasMember("git") && doc["git"].IsObject());
  EXPECT_EQ(std::string(doc["git"]["commit"].GetString()), git.commit);
  EXPECT_TRUE(doc["git"]["dirty"].GetBool());
}

TEST(Provenance, EnvironmentJsonOutsideARepositorySaysSo) {
  ScratchFolder folder;
  if (inside_a_repository(folder.path()))
    GTEST_SKIP() << "the temporary folder is itself inside a repository";
  rapidjson::Document doc;
  doc.Parse(environment_json(git_state(folder.path()), {}).c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("git"));
  EXPECT_STREQ(doc["git"]["commit"].GetString(), "not a git repository");
  EXPECT_FALSE(doc["git"]["dirty"].GetBool());
}

}  // namespace
}  // namespace cf::host
