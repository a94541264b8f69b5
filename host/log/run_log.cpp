#include "log/run_log.hpp"

#include "util/error.hpp"

#include <spdlog/details/file_helper.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <utility>

namespace cf::host {
namespace {

// The words the original prints; spdlog's own names ("warning", "error" in lower case, and
// only replaceable at spdlog's compile time) would change every existing line.
std::string_view level_word(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    default:
      return "ERROR";
  }
}

std::string_view level_color(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "\033[2m";
    case spdlog::level::info:
      return "\033[32m";
    case spdlog::level::warn:
      return "\033[33m";
    default:
      return "\033[31m";
  }
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

// The "%*" flag: the level word, optionally wrapped in its ANSI colour. Colouring here rather
// than with spdlog's colour sinks keeps the colours ours and independent of terminal detection,
// which the caller has already decided into LogSettings::color.
class LevelWordFlag final : public spdlog::custom_flag_formatter {
 public:
  explicit LevelWordFlag(bool color) : color_(color) {}

  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (color_) append(dest, level_color(msg.level));
    append(dest, level_word(msg.level));
    if (color_) append(dest, "\033[0m");
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelWordFlag>(color_);
  }

 private:
  bool color_;
};

constexpr const char* kFilePattern = "%Y-%m-%d %H:%M:%S.%e [%*] %v";
constexpr const char* kConsolePattern = "%* - %v";

std::unique_ptr<spdlog::formatter> make_formatter(const char* pattern, bool color) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelWordFlag>('*', color).set_pattern(pattern);
  return formatter;
}

// An appending file sink that can also take raw text: spdlog's basic_file_sink hides its file,
// and a second handle on the same file would interleave unpredictably with the first.
class RunFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RunFileSink(const std::filesystem::path& path) { file_.open(path.string()); }

  void write_raw(std::string_view text) {
    const std::lock_guard<std::mutex> lock(mutex_);
    spdlog::memory_buf_t buffer;
    append(buffer, text);
    file_.write(buffer);
    file_.flush();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

// The console sink with an overlay (progress bars) below the lines: each line is printed through
// the overlay, which clears its drawing first and draws it again after.
class OverlaidConsoleSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit OverlaidConsoleSink(std::shared_ptr<ConsoleOverlay> overlay) : overlay_(std::move(overlay)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    overlay_->print_above([&] {
      std::fwrite(formatted.data(), 1, formatted.size(), stdout);
      std::fflush(stdout);
    });
  }
  void flush_() override { std::fflush(stdout); }

 private:
  std::shared_ptr<ConsoleOverlay> overlay_;
};

spdlog::level::level_enum to_spdlog(cf_log_level level) {
  switch (level) {
    case CF_LOG_DEBUG:
      return spdlog::level::debug;
    case CF_LOG_INFO:
      return spdlog::level::info;
    case CF_LOG_WARNING:
      return spdlog::level::warn;
    default:
      // A level from a newer or broken plugin: better shown too loudly than lost.
      return spdlog::level::err;
  }
}

std::string unique_logger_name() {
  static std::atomic<unsigned long> counter{0};
  return "curifactory_run_" + std::to_string(++counter);
}

}  // namespace

struct RunLog::Sinks {
  std::shared_ptr<RunFileSink> file;  // null without a log file
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<spdlog::logger> file_logger;  // the file sink alone; null without a log file
  // The engine sets the context between stages while plugin threads may still be logging.
  std::mutex context_mutex;
};

RunLog::RunLog(const LogSettings& settings) : sinks_(std::make_unique<Sinks>()), file_(settings.file) {
  // Not registered with spdlog: a process may hold several runs' logs (tests, parallel
  // parents), and nothing outside this class should write into a run's file by name.
  sinks_->logger = std::make_shared<spdlog::logger>(unique_logger_name());
  if (file_) {
    try {
      sinks_->file = std::make_shared<RunFileSink>(*file_);
    } catch (const spdlog::spdlog_ex& e) {
      throw UserError(file_->string() + ": cannot open the log file: " + e.what());
    }
    sinks_->file->set_formatter(make_formatter(kFilePattern, false));
    sinks_->logger->sinks().push_back(sinks_->file);
  }
  if (!settings.quiet) {
    std::shared_ptr<spdlog::sinks::sink> console;
    if (settings.overlay) {
      console = std::make_shared<OverlaidConsoleSink>(settings.overlay);
    } else {
      console = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    }
    console->set_formatter(settings.plain ? make_formatter(kFilePattern, false)
                                          : make_formatter(kConsolePattern, settings.color));
    sinks_->logger->sinks().push_back(console);
  }
  const auto lowest = settings.verbose ? spdlog::level::debug : spdlog::level::info;
  sinks_->logger->set_level(lowest);
  // Every line that passes the level reaches the file at once, so a crashing plugin loses
  // nothing already logged (debug lines included: they matter most right before a crash).
  sinks_->logger->flush_on(lowest);
  if (sinks_->file) {
    sinks_->file_logger = std::make_shared<spdlog::logger>(unique_logger_name(), sinks_->file);
    sinks_->file_logger->set_level(lowest);
    sinks_->file_logger->flush_on(lowest);
  }
}

void RunLog::file_only(cf_log_level level, std::string_view message) {
  if (sinks_->file_logger) {
    sinks_->file_logger->log(to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
  }
}

RunLog::~RunLog() {
  try {
    flush();
  } catch (...) {
    // A destructor must not throw; spdlog already reports write failures on stderr.
  }
}

void RunLog::log(cf_log_level level, std::string_view message) {
  std::string prefixed;
  {
    const std::lock_guard<std::mutex> lock(sinks_->context_mutex);
    if (!context_.empty()) prefixed = "[" + context_ + "] ";
  }
  // The string_view overload: a message is never a format string, so braces stay as written.
  if (prefixed.empty()) {
    sinks_->logger->log(to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
  } else {
    prefixed.append(message);
    sinks_->logger->log(to_spdlog(level), spdlog::string_view_t(prefixed.data(), prefixed.size()));
  }
}

void RunLog::set_context(std::string set_name) {
  const std::lock_guard<std::mutex> lock(sinks_->context_mutex);
  context_ = std::move(set_name);
}

void RunLog::clear_context() {
  const std::lock_guard<std::mutex> lock(sinks_->context_mutex);
  context_.clear();
}

void RunLog::append_raw(std::string_view text) {
  if (!sinks_->file || text.empty()) return;
  try {
    sinks_->file->write_raw(text);
  } catch (const spdlog::spdlog_ex& e) {
    throw UserError(file_->string() + ": cannot write the log file: " + e.what());
  }
}

void RunLog::flush() {
  sinks_->logger->flush();
}

}  // namespace cf::host
