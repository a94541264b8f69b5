// Parameter-set hashes, compatible with the original Curifactory: the sum, as one big integer,
// of md5(field name + representation) over the hashed fields (nested structs add their own
// fields' terms), written in lowercase hex without padding; "0" when nothing is hashed.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

// `representations` is the "hash_representations" object of a normalised set: field name ->
// text, or -> object for a nested params struct.
std::string hash_representations(const rapidjson::Value& representations);

// md5 of `text` in lowercase hex.
std::string md5_hex(std::string_view text);

// The hash of an aggregate record: md5 of the Python list string of its own hash ("None" when
// it has none) followed by its input records' hashes, sorted.
std::string aggregate_hash(const std::string& own_hash, std::vector<std::string> input_hashes);

}  // namespace cf::host
