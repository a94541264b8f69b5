// The `experiment` command: parse the command line, then run the command it names (app/).
#include "app/commands.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  const auto parsed = cf::host::parse_cli(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  try {
    return cf::host::run_command(*parsed.options);
  } catch (const cf::host::UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected failure: " << e.what() << "\n";
  }
  return 1;
}
