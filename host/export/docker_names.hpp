// Docker's rules for image references, applied to an experiment's name and a run's reference.
// A repository name is lowercase letters and digits in components joined by '.', '_', '__' or
// dashes, starting and ending with a letter or digit; a tag is at most 128 of [A-Za-z0-9_.-],
// not starting with '.' or '-'. We lowercase both, so names and tags read alike.
#pragma once

#include <string>

namespace cf::host {

// "Compare Models" -> "compare-models", "subexp.example" -> "subexp.example", "__x" -> "x";
// "experiment" when nothing usable is left.
std::string docker_repository(const std::string& experiment);

// The run's tag, "<run number>_<date>", from its reference "<experiment>_<number>_<date>":
// "regression_3_2026-11-28-T111405" -> "3_2026-11-28-t111405".
std::string docker_tag(const std::string& experiment, const std::string& reference);

}  // namespace cf::host
