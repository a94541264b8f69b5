#include "store/full_store.hpp"

#include "cache/atomic_file.hpp"
#include "store/stored_run_json.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>

namespace cf::host {
namespace {

void copy_atomically(const std::filesystem::path& from, const std::filesystem::path& to) {
  write_file_atomically(to, [&](const std::filesystem::path& temporary) {
    std::filesystem::copy_file(from, temporary, std::filesystem::copy_options::overwrite_existing);
  });
}

std::string run_json(const StoredRun& run) {
  rapidjson::StringBuffer buffer;
  PrettyJsonWriter w(buffer);
  w.SetIndent(' ', 2);
  write_stored_run(w, run);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string params_json(const std::vector<RegisteredParams>& params) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  for (const RegisteredParams& set : params) {
    w.Key(set.hash.data(), static_cast<rapidjson::SizeType>(set.hash.size()));
    rapidjson::Document document;
    document.Parse(set.json.c_str());
    if (document.HasParseError()) {
      w.String(set.json.data(), static_cast<rapidjson::SizeType>(set.json.size()));
    } else {
      document.Accept(w);
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

void write_full_store(const std::filesystem::path& folder, const FullStoreContents& contents) {
  for (const auto& file : contents.cache_files) {
    std::error_code missing;
    if (!std::filesystem::is_regular_file(file, missing)) continue;  // a stage that failed wrote nothing
    const auto relative = file.lexically_relative(contents.cache_folder);
    if (relative.empty() || *relative.begin() == "..") {
      throw UserError(file.string() + ": not inside the cache folder " + contents.cache_folder.string());
    }
    copy_atomically(file, folder / "artifacts" / relative);
  }
  if (contents.log_file && std::filesystem::exists(*contents.log_file)) {
    copy_atomically(*contents.log_file, folder / "log.txt");
  }
  if (contents.report_folder && std::filesystem::is_directory(*contents.report_folder)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(*contents.report_folder)) {
      if (!entry.is_regular_file()) continue;
      copy_atomically(entry.path(),
                      folder / "report" / entry.path().lexically_relative(*contents.report_folder));
    }
  }
  write_text_atomically(folder / "params.json", params_json(contents.params));
  write_text_atomically(folder / "run.json", run_json(contents.run));
  write_text_atomically(folder / "environment.json", contents.run.environment_json + "\n");
}

}  // namespace cf::host
