// --notebook end to end: a run writes <notebooks>/experiments/<reference>.ipynb; its code cells,
// run with Debian's Python (IPython magics dropped), load every record's parameters and the
// artifacts of every shipped cacher, and what they load is what the run computed.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// The second set's name has a quote, a backslash and non-ASCII, which the notebook must carry
// through Python string literals.
constexpr const char* kSets =
    "- name: first\n  n: 4\n  scale: 1.5\n  label: a\n"
    "- name: 'sec \"ond\" \\ \xc3\xbc'\n  n: 3\n  scale: -2.0\n  label: b\n";
constexpr const char* kSecond = "sec \\\"ond\\\" \\\\ \xc3\xbc";  // as a JSON string's contents

// Printed after the notebook's cells: every record as JSON, numpy arrays as dtype, shape, values.
constexpr const char* kEpilogue = R"PY(

def _plain(value):
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape), "values": value.tolist()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


print(json.dumps([{"index": r.index, "name": r.name, "hash": r.hash, "params": r.params,
                   "state": _plain(r.state)} for r in records], sort_keys=True))
)PY";

std::string stats_json(const std::string& label, int n) {
  std::string even, ids;
  int evens = 0;
  for (int i = 0; i < n; ++i) {
    even += std::string(i ? "," : "") + (i % 2 == 0 ? "true" : "false");
    evens += i % 2 == 0 ? 1 : 0;
  }
  return R"({"label":")" + label + R"(","count":)" + std::to_string(n) +
         R"(,"total":TOTAL,"even":{"dtype":"bool","shape":[)" + std::to_string(n) + R"(],"values":[)" + even +
         R"(]},"grid":{"dtype":"float32","shape":[2,3],"values":[[0.0,0.25,0.5],[1.0,1.25,1.5]]},"tally":{"even":)" +
         std::to_string(evens) + R"(,"odd":)" + std::to_string(n - evens) +
         R"(},"ids":{"dtype":"int64","shape":[3],"values":[)" + std::to_string(n) + R"(,-1,1099511627776]}})";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// What the notebook must load, given each set's parameter hash.
std::string expected_json(const std::string& first_hash, const std::string& second_hash) {
  const std::string first_values = R"({"dtype":"float64","shape":[4],"values":[0.0,1.5,3.0,4.5]})";
  const std::string second_values = R"({"dtype":"float64","shape":[3],"values":[0.0,-2.0,-4.0]})";
  const std::string first_stats = replaced(stats_json("a", 4), "TOTAL", "9.0");
  const std::string second_stats = replaced(stats_json("b", 3), "TOTAL", "-6.0");
  return "["
         R"({"index":0,"name":"first","hash":")" +
         first_hash + R"(","params":{"name":"first","hash":")" + first_hash +
         R"(","n":4,"scale":1.5,"label":"a"},"state":{"values":)" + first_values + R"(,"stats":)" +
         first_stats + R"(,"packed":)" + first_stats + R"(,"table":{"sum":9.0,"last":4.5},"pickled":{"a":)" +
         first_values +
         "}}},"
         R"({"index":1,"name":")" +
         kSecond + R"(","hash":")" + second_hash + R"(","params":{"name":")" + kSecond + R"(","hash":")" +
         second_hash + R"(","n":3,"scale":-2.0,"label":"b"},"state":{"values":)" + second_values +
         R"(,"stats":)" + second_stats + R"(,"packed":)" + second_stats +
         R"(,"table":{"sum":-6.0,"last":-4.0},"pickled":{"b":)" + second_values + "}}}," +
         R"({"index":2,"name":"None","hash":null,"params":null,"state":{"sums":{"first":9.0,")" + kSecond +
         R"(":-6.0}}}])";
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  value.Accept(w);
  return buffer.GetString();
}

class NotebookProject {
 public:
  NotebookProject() {
    project_.add_plugin("notebook_experiment", "experiments/notebook_experiment.so");
    project_.write("params/sets.yaml", kSets);
  }
  const TempProject& project() const { return project_; }
  CommandResult run(const std::string& flags) const {
    return project_.experiment("notebook_experiment -p sets " + flags);
  }
  // set name -> parameter hash, from --hashes.
  std::map<std::string, std::string> hashes() const {
    std::map<std::string, std::string> found;
    std::istringstream lines(run("--hashes").out);
    for (std::string line; std::getline(lines, line);) {
      const auto space = line.find(' ');
      found[line.substr(space + 1)] = line.substr(0, space);
    }
    return found;
  }
  // The notebooks written so far, oldest run first.
  std::vector<fs::path> notebooks() const {
    std::vector<fs::path> found;
    const auto folder = project_.root() / "notebooks" / "experiments";
    if (!fs::exists(folder)) return found;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() == ".ipynb") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

 private:
  TempProject project_;
};

struct Notebook {
  rapidjson::Document document;
  std::vector<std::string> markdown;
  std::string code;  // every code cell, IPython magics dropped
};

Notebook read_notebook(const fs::path& file) {
  Notebook notebook;
  const std::string text = read_text(file);
  notebook.document.Parse(text.c_str());
  EXPECT_FALSE(notebook.document.HasParseError()) << file;
  if (notebook.document.HasParseError()) return notebook;
  for (const auto& cell : notebook.document["cells"].GetArray()) {
    std::string source;
    for (const auto& line : cell["source"].GetArray()) source += line.GetString();
    if (std::string(cell["cell_type"].GetString()) == "markdown") {
      notebook.markdown.push_back(source);
      continue;
    }
    std::istringstream lines(source);
    for (std::string line; std::getline(lines, line);) {
      const auto first = line.find_first_not_of(" \t");
      if (first != std::string::npos && (line[first] == '%' || line[first] == '!')) continue;
      notebook.code += line + "\n";
    }
    notebook.code += "\n";
  }
  return notebook;
}

// Runs the notebook's code with /usr/bin/python3 in the notebook's folder (where Jupyter would
// start it); returns what the epilogue printed, parsed.
rapidjson::Document execute(const fs::path& notebook_file, const Notebook& notebook) {
  const fs::path script = notebook_file.parent_path() / "check_notebook.py";
  std::ofstream(script) << notebook.code << kEpilogue;
  const CommandResult result = run_shell(notebook_file.parent_path(), "/usr/bin/python3 check_notebook.py");
  EXPECT_EQ(result.exit_code, 0) << result.err << "\n" << notebook.code;
  EXPECT_EQ(result.out.find("not found"), std::string::npos) << result.out;
  // The epilogue's line is the last; anything a cell printed comes before it.
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const auto line_start = out.rfind('\n');
  rapidjson::Document loaded;
  loaded.Parse(out.c_str() + (line_start == std::string::npos ? 0 : line_start + 1));
  EXPECT_FALSE(loaded.HasParseError()) << result.out;
  return loaded;
}

void expect_loaded_values(const rapidjson::Document& loaded,
                          const std::map<std::string, std::string>& hashes) {
  rapidjson::Document expected;
  const std::string text = expected_json(hashes.at("first"), hashes.at("sec \"ond\" \\ \xc3\xbc"));
  expected.Parse(text.c_str());
  ASSERT_FALSE(expected.HasParseError()) << text;
  ASSERT_TRUE(loaded.IsArray());
  ASSERT_EQ(loaded.Size(), expected.Size()) << compact(loaded);
  for (rapidjson::SizeType i = 0; i < expected.Size(); ++i) {
    EXPECT_TRUE(loaded[i] == expected[i])
        << "record " << i << "\nloaded:   " << compact(loaded[i]) << "\nexpected: " << compact(expected[i]);
  }
}

TEST(NotebookTest, CodeCellsLoadEveryRecordsParametersAndArtifacts) {
  const NotebookProject project;
  const CommandResult result = project.run("--notebook");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto notebooks = project.notebooks();
  ASSERT_EQ(notebooks.size(), 1u);
  const std::string reference = notebooks[0].stem().string();
  EXPECT_EQ(reference.rfind("notebook_experiment_1_", 0), 0u) << reference;
  EXPECT_NE(result.out.find("INFO - notebook: notebooks/experiments/" + reference + ".ipynb\n"),
            std::string::npos)
      << result.out;

  const Notebook notebook = read_notebook(notebooks[0]);
  ASSERT_TRUE(notebook.document.IsObject());
  EXPECT_EQ(notebook.document["nbformat"].GetInt(), 4);
  EXPECT_EQ(notebook.document["nbformat_minor"].GetInt(), 5);
  EXPECT_EQ(std::string(notebook.document["metadata"]["curifactory"]["reference"].GetString()), reference);
  ASSERT_EQ(notebook.markdown.size(), 2u);
  // The run's facts, then the warning that these artifacts live in the shared cache.
  const std::string& facts = notebook.markdown[0];
  EXPECT_NE(facts.find("`notebook_experiment`"), std::string::npos) << facts;
  EXPECT_NE(facts.find("**run**: 1,"), std::string::npos) << facts;
  EXPECT_NE(facts.find("`" + reference + "`"), std::string::npos) << facts;
  EXPECT_NE(facts.find("**git commit**: not a git repository\n"), std::string::npos) << facts;
  EXPECT_NE(facts.find("`sets`: `first` ("), std::string::npos) << facts;
  EXPECT_NE(notebook.markdown[1].find("shared cache"), std::string::npos) << notebook.markdown[1];

  expect_loaded_values(execute(notebooks[0], notebook), project.hashes());
}

TEST(NotebookTest, FullStoreNotebookReadsTheRunsOwnCopies) {
  const NotebookProject project;
  const CommandResult result = project.run("--notebook --store-full");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto notebooks = project.notebooks();
  ASSERT_EQ(notebooks.size(), 1u);
  const Notebook notebook = read_notebook(notebooks[0]);
  ASSERT_EQ(notebook.markdown.size(), 1u) << "a full store's notebook has no shared-cache warning";
  EXPECT_NE(notebook.markdown[0].find("(this run's full store)"), std::string::npos) << notebook.markdown[0];
  // Without the shared cache, everything still loads: from the run's folder.
  fs::remove_all(project.project().root() / "data" / "cache");
  expect_loaded_values(execute(notebooks[0], notebook), project.hashes());
}

TEST(NotebookTest, CachedRunNotesTheStagesItSkipped) {
  const NotebookProject project;
  ASSERT_EQ(project.run("").exit_code, 0);
  const CommandResult result = project.run("--notebook");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto notebooks = project.notebooks();
  ASSERT_EQ(notebooks.size(), 1u);
  EXPECT_EQ(notebooks[0].stem().string().rfind("notebook_experiment_2_", 0), 0u) << notebooks[0];
  const Notebook notebook = read_notebook(notebooks[0]);
  // Every goal loads from the cache; 'values' feeds only cached stages, so it is skipped.
  EXPECT_NE(notebook.code.find("# stage 'values' was skipped in this run"), std::string::npos)
      << notebook.code;
  EXPECT_NE(notebook.code.find("record_0.state[\"stats\"] = load_artifact("), std::string::npos)
      << notebook.code;
  EXPECT_NE(notebook.code.find("# stage 'stats', loaded from the cache"), std::string::npos) << notebook.code;
  EXPECT_EQ(notebook.code.find("record_0.state[\"values\"]"), std::string::npos) << notebook.code;
}

TEST(NotebookTest, RefusedWhereNoRunIsRecorded) {
  const NotebookProject project;
  for (const std::string flag : {"--dry", "--map", "--parallel-mode"}) {
    const CommandResult result = project.run("--notebook " + flag);
    EXPECT_NE(result.exit_code, 0) << flag;
    EXPECT_NE(result.err.find("--notebook does not apply with " + flag), std::string::npos) << result.err;
  }
  EXPECT_TRUE(project.notebooks().empty());
}

}  // namespace
}  // namespace cf::test
