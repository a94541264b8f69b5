// Makes finished cache files durable off the stage's critical path. fsync is by far the
// slowest part of saving an artifact (milliseconds each on a journaled file system), so a few
// threads flush and rename written files in the background while stages keep running;
// concurrent fsyncs also share journal commits. Nothing appears under its final name before
// it is on disk, and each folder is synced once per drain instead of once per file.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cf::host {

class CommitQueue {
 public:
  struct Step {
    std::filesystem::path temporary;
    std::filesystem::path target;
  };
  // Kept alive until the job's steps are done (a FileLock that must outlast the rename).
  using Hold = std::shared_ptr<void>;

  // Threads start with the first submission, so a run that writes nothing starts none. Many
  // threads, because they spend their lives blocked in fsync, not on a CPU.
  explicit CommitQueue(unsigned threads = 32) : thread_count_(threads) {}
  // Drains; an error nobody asked for is dropped here (callers drain() to see it).
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Commits the steps in order (fsync, rename). When one fails, the later ones are dropped and
  // their temporary files removed, so a metadata file never lands without its artifact.
  void submit(std::vector<Step> steps, Hold hold = nullptr);

  // True while `target` is submitted and not yet renamed into place.
  bool pending(const std::filesystem::path& target) const;

  // Waits for every submitted step, syncs the folders they touched, and throws the first
  // failure as UserError.
  void drain();

 private:
  void work(std::stop_token stop);

  mutable std::mutex mutex_;
  std::condition_variable_any has_work_;
  std::condition_variable idle_;
  struct Job {
    std::vector<Step> steps;
    Hold hold;
  };
  std::deque<Job> jobs_;
  std::multiset<std::filesystem::path> pending_;
  std::set<std::filesystem::path> touched_folders_;
  std::size_t busy_ = 0;
  std::optional<std::string> error_;
  unsigned thread_count_;
  std::vector<std::jthread> threads_;
};

}  // namespace cf::host
