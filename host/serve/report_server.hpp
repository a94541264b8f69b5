// `experiment reports`: serving the HTML reports folder over HTTP. The HTTP library stays inside
// report_server.cpp; its header alone is heavy enough to slow every file that would include it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace cf::host {

// Serves the files of `root` (see SafeRoot for which) on `host`:`port`, port 0 meaning any free
// port, until SIGINT or SIGTERM arrives; then stops accepting, finishes the requests in flight
// and returns. `on_listening` gets the actual port once requests are answered. Must be called
// before the process starts other threads: the signals are blocked here and every thread must
// inherit that, or a signal could kill the process instead of stopping the server.
// Throws UserError naming --host or --port when the address cannot be used.
void serve_reports(const std::filesystem::path& root, const std::string& host, int port,
                   const std::function<void(int port)>& on_listening);

}  // namespace cf::host
