// The stages an experiment declares at namespace scope, checked before run() is ever called,
// so a typo in a cacher name or a function that takes the wrong number of inputs fails before
// any stage runs, naming the stage.
#pragma once

#include <curifactory/abi.h>

#include <filesystem>

namespace cf::host {

class CacherRegistry;

// Throws UserError "<plugin>: stage 'x' ..." for the first bad declaration.
void check_declared_stages(const cf_experiment_api& experiment, const std::filesystem::path& plugin,
                           const CacherRegistry& cachers, bool lazy_fallback);

}  // namespace cf::host
