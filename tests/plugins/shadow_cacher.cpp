// A second cacher named "raw" that marks what it writes, so a test can tell which of two
// cachers of the same name the registry picked. {"fail": true} in the options makes it throw.
#include <curifactory/cacher.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {

void fail_if_asked(const rapidjson::Value& options) {
  const auto it = options.FindMember("fail");
  if (it != options.MemberEnd() && it->value.IsTrue()) throw std::runtime_error("asked to fail\nsecond line");
}

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  fail_if_asked(options);
  std::ofstream(path, std::ios::binary) << "shadow:" << artifact;
}

std::string load(const std::filesystem::path& path, const rapidjson::Value& options) {
  fail_if_asked(options);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str().substr(7);
}

}  // namespace

CF_CACHER("raw", ".shadow", save, load);
