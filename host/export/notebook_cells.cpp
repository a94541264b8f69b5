#include "export/notebook_cells.hpp"

#include <algorithm>
#include <cstdio>

namespace cf::host {
namespace {

// The loading helpers, after the ARTIFACTS lines. The typed-array layout is abi.h's
// (CF_MSGPACK_TYPED_ARRAY and cf_dtype), repeated here because the notebook must stand alone.
constexpr std::string_view kHelpers = R"PY(
# Typed arrays in MessagePack artifacts (the raw and zstd cachers) are extension objects of type 1:
# byte 0 the element type, byte 1 the number of dimensions, bytes 2-7 zero, then one little-endian
# uint64 extent per dimension, then the elements, little-endian and row-major.
TYPED_ARRAY = 1
DTYPES = {1: "?", 2: "i1", 3: "u1", 4: "<i2", 5: "<u2", 6: "<i4", 7: "<u4", 8: "<i8", 9: "<u8",
          10: "<f4", 11: "<f8"}


def typed_array(code, data):
    """msgpack's ext_hook: a typed array as a numpy array, other extension types as they are."""
    if code != TYPED_ARRAY:
        return msgpack.ExtType(code, data)
    ndim = data[1]
    shape = tuple(int(n) for n in np.frombuffer(data, dtype="<u8", count=ndim, offset=8))
    count = int(np.prod(shape, dtype=np.int64))
    elements = np.frombuffer(data, dtype=np.dtype(DTYPES[data[0]]), count=count, offset=8 + 8 * ndim)
    return elements.reshape(shape).copy()


def unpack(data):
    """An artifact's MessagePack bytes as Python values (structs are dicts of their fields)."""
    return msgpack.unpackb(data, ext_hook=typed_array, raw=False, strict_map_key=False)


def zstd_bytes(path):
    try:
        import zstandard
    except ImportError:  # not packaged everywhere; the zstd tool reads the same frames
        return subprocess.run(["zstd", "-dcq", str(path)], check=True, stdout=subprocess.PIPE).stdout
    with open(path, "rb") as file:
        return zstandard.ZstdDecompressor().decompressobj().decompress(file.read())


def load_artifact(relative, cacher):
    """The artifact cached at ARTIFACTS / relative by `cacher`, or None when it cannot be read."""
    path = ARTIFACTS / relative
    if not path.is_file():
        print(f"not found: {path}")
        return None
    if cacher == "json":
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    if cacher == "npy":
        return np.load(path, allow_pickle=False)
    if cacher == "pickle":
        with open(path, "rb") as file:
            return pickle.load(file)
    if cacher == "raw":
        return unpack(path.read_bytes())
    if cacher == "zstd":
        return unpack(zstd_bytes(path))
    print(f"{path}: written by cacher {cacher!r}, which this notebook has no reader for")
    return None


class Record:
    """A record of the run: its parameter set (params, a dict) and its artifacts (state)."""

    def __init__(self, index, name, params_hash, params):
        self.index = index
        self.name = name
        self.hash = params_hash
        self.params = params
        self.state = {}

    def __repr__(self):
        return f"Record({self.index}, {self.name!r}, state={sorted(self.state)})"


records = []
)PY";

// Text for Markdown in the middle of a line, with every character that could start markup there
// escaped.
std::string markdown_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\`*_{}[]<>|~").find(c) != std::string_view::npos) out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out;
}

// A Markdown code span holding `text` verbatim, whatever backticks it contains.
std::string code_span(std::string_view text) {
  std::size_t longest = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t run = 0;
    while (i + run < text.size() && text[i + run] == '`') ++run;
    longest = std::max(longest, run);
    i += run == 0 ? 1 : run;
  }
  const std::string fence(longest + 1, '`');
  std::string body(text);
  std::replace(body.begin(), body.end(), '\n', ' ');
  if (!body.empty() && (body.front() == '`' || body.back() == '`')) body = " " + body + " ";
  return fence + body + fence;
}

// Text for a Python comment: one line.
std::string comment_text(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string short_hash(const std::string& hash) {
  return hash.substr(0, 10);
}

}  // namespace

std::string python_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string facts_markdown(const NotebookRun& run) {
  std::string text = "# " + markdown_text(run.reference) + "\n\n";
  text += "* **experiment**: " + code_span(run.experiment) + "\n";
  text += "* **run**: " + std::to_string(run.number) + ", " + markdown_text(run.timestamp) + "\n";
  text += "* **reference**: " + code_span(run.reference) + "\n";
  text += "* **status**: " + markdown_text(run.status);
  if (!run.error.empty()) text += " (" + markdown_text(run.error) + ")";
  text += "\n";
  // The store holds a hex id, "not a git repository", or nothing (no commit could be read).
  const bool commit_id = !run.git_commit.empty() &&
                         run.git_commit.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  text += "* **git commit**: " +
          (commit_id                ? code_span(run.git_commit)
           : run.git_commit.empty() ? std::string("none")
                                    : markdown_text(run.git_commit)) +
          (run.git_dirty ? " with uncommitted changes" : "") + "\n";
  text += "* **command**: " + code_span(run.command) + "\n";
  if (!run.reproduce.empty()) text += "* **reproduce**: " + code_span(run.reproduce) + "\n";
  text += "* **parameter files and sets**:\n";
  for (const NotebookParamFile& file : run.param_files) {
    text += "    * " + code_span(file.file) + ":";
    for (std::size_t i = 0; i < file.sets.size(); ++i) {
      text += std::string(i == 0 ? " " : ", ") + code_span(file.sets[i].first) + " (" +
              code_span(short_hash(file.sets[i].second)) + ")";
    }
    text += "\n";
  }
  text += "* **artifacts**: " + code_span(run.artifacts_folder.string()) +
          (run.shared_cache ? " (the shared cache)" : " (this run's full store)") + "\n";
  if (!run.notes.empty()) {
    text += "\n**Notes**\n\n";
    std::size_t start = 0;
    while (start <= run.notes.size()) {
      const std::size_t end = std::min(run.notes.find('\n', start), run.notes.size());
      text += "> " + markdown_text(std::string_view(run.notes).substr(start, end - start)) + "\n";
      start = end + 1;
    }
  }
  text +=
      "\nThe code cells below load every record's parameters and the cached artifacts this run "
      "produced or loaded: `records` lists them, and `record_N` is record N, with its parameter "
      "set in `record_N.params` and its artifacts by name in `record_N.state`. They need numpy and "
      "msgpack (Debian: python3-numpy, python3-msgpack); zstd artifacts also need the `zstd` tool "
      "or the `zstandard` module.\n";
  return text;
}

std::string shared_cache_markdown(const NotebookRun& run) {
  return "**Warning: these artifacts are read from the shared cache** (" +
         code_span(run.artifacts_folder.string()) +
         "), not from a folder of this run's own. A later run with the same parameters may have "
         "replaced them (after a code change, say), and clearing the cache loses them. Run with "
         "`--store-full` to keep a run's artifacts with it; its notebook then reads that copy.\n";
}

std::string helpers_code(const NotebookRun& run) {
  std::string text =
      "import json\n"
      "import pickle\n"
      "import subprocess\n"
      "from pathlib import Path\n"
      "\n"
      "import msgpack\n"
      "import numpy as np\n"
      "\n"
      "# This run's artifacts: relative to the notebook's folder (where Jupyter starts), else where\n"
      "# they were when the notebook was written.\n";
  text += "ARTIFACTS = Path(" + python_string(run.artifacts_relative.generic_string()) + ")\n";
  text += "if not ARTIFACTS.is_dir():\n";
  text += "    ARTIFACTS = Path(" + python_string(run.artifacts_folder.generic_string()) + ")\n";
  text += kHelpers;
  return text;
}

std::string record_code(const NotebookRecord& record) {
  const std::string variable = "record_" + std::to_string(record.index);
  std::string comment = "# record " + std::to_string(record.index) + " '" + record.set_name + "'";
  if (!record.params_hash.empty()) comment += ", parameter hash " + record.params_hash;
  if (record.copy_of) {
    comment += ", a copy of record " + std::to_string(*record.copy_of);
  } else if (!record.input_records.empty()) {
    comment += ", aggregating records ";
    for (std::size_t i = 0; i < record.input_records.size(); ++i)
      comment += (i == 0 ? "" : ", ") + std::to_string(record.input_records[i]);
  }
  std::string text = comment_text(comment) + "\n";
  text += variable + " = Record(" + std::to_string(record.index) + ", " + python_string(record.set_name) +
          ", " + (record.params_hash.empty() ? "None" : python_string(record.params_hash)) + ", " +
          (record.params_json.empty() ? "None" : "json.loads(" + python_string(record.params_json) + ")") +
          ")\n";
  for (const NotebookArtifact& artifact : record.artifacts) {
    text += variable + ".state[" + python_string(artifact.name) + "] = load_artifact(" +
            python_string(artifact.file.generic_string()) + ", " + python_string(artifact.cacher) +
            ")  # stage '" + comment_text(artifact.stage) + "', " +
            (artifact.produced ? "written by this run" : "loaded from the cache") + "\n";
  }
  for (const std::string& stage : record.skipped_stages) {
    text += "# stage '" + comment_text(stage) +
            "' was skipped in this run (nothing needed it): its outputs are not loaded\n";
  }
  text += "records.append(" + variable + ")\n" + variable;
  return text;
}

}  // namespace cf::host
