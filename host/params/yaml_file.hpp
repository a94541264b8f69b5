// YAML parameter files: a list of parameter sets and sweeps in the params or experiments folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cf::host {

// The file's leading '#' comment block, joined into one line (its `ls` description). Also
// checks that the file is well-formed YAML; throws UserError with the line and column if not.
std::string read_yaml_description(const std::filesystem::path& file);

// The parameter sets of a YAML file, as the JSON that crosses the plugin boundary, plus the
// lines they came from so the host can point at the YAML when a plugin rejects a field.
struct YamlParamSets {
  std::string json;                                   // a JSON array of parameter-set objects
  std::vector<int> set_lines;                         // 1-based line where each set starts
  std::vector<std::map<std::string, int>> key_lines;  // per set: top-level key -> 1-based line
};

// Reads a parameter file. The document is a list; each item is one of:
//
//   * a parameter set: a mapping of fields ("name" optional), copied as a JSON object;
//   * a sweep: a mapping with the key `sweep`, optionally `base` and `name`, nothing else:
//
//       - name: grid            # optional: generated names get the prefix "grid-"
//         base:                 # optional: fields shared by every generated set
//           epochs: 10
//           model.layers: 2     # a dotted key sets a field inside a nested object
//         sweep:                # field -> non-empty list of values
//           lr: [0.1, 0.01, 0.001]
//           model.units: [8, 16, 32, 64]
//
//     It expands to the cartesian product in the order the keys are written (the first key
//     varies slowest): 3 x 4 = 12 sets, each base + one value per swept field, named
//     `<key>_<value>-<key>_<value>` (here `grid-lr_0.1-model.units_8`, ...). A value's text is
//     the scalar as written (`null` for an empty/null one), or the compact JSON of a list or
//     mapping. A swept field overrides a base field of the same path. Neither may be `name`.
//
// Scalars follow the YAML 1.2 core schema: true/false (any of the three capitalisations) are
// bools; null, ~ and empty are null; decimal, 0o and 0x integers are int64 (uint64 when they
// only fit there); 1.0, 1e-3, .5 are doubles (5.0 stays `5.0` in the JSON, so the host can
// tell it from 5); everything else, and any quoted or !!str scalar, is a string. The tags
// !!null, !!bool, !!int and !!float force their type. Lists become arrays, mappings objects.
//
// key_lines of a sweep's sets give, per top-level key, the line of the value the set took
// (for a base field, its key); "name" maps to the sweep's `name` key, or its `sweep` key.
//
// Throws UserError "<display_path(file)>: line N: <reason>" for malformed YAML, a document
// that is not a list, an item that is not a mapping, a non-scalar or duplicate key, an
// infinite/NaN/out-of-range number, an unsupported tag, or a malformed sweep.
YamlParamSets read_yaml_param_sets(const std::filesystem::path& file);

}  // namespace cf::host
