// Puts finished cache files in place at once and makes them durable off the stage's critical
// path. A file appears under its final name as soon as its stage has written it (renamed from
// a complete temporary, so never half-written), so a crash a moment later, in the next stage or
// another record, loses no finished work. fsync, by far the slowest part of saving (milliseconds
// each on a journaled file system), runs on background threads, where concurrent fsyncs also
// share journal commits; each folder is synced once per drain instead of once per file. Until
// its fsync a power loss may cut a file short; the checksum in its metadata catches that.
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
  // Kept alive until the job's files are in place (a FileLock that must outlast the rename).
  using Hold = std::shared_ptr<void>;

  // Threads start with the first submission, so a run that writes nothing starts none. Many
  // threads, because they spend their lives blocked in fsync, not on a CPU.
  explicit CommitQueue(unsigned threads = 32) : thread_count_(threads) {}
  // Drains; an error nobody asked for is dropped here (callers drain() to see it).
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Renames the steps' files into place in order, now, and queues their fsync. The targets of
  // the later steps (the metadata) are removed first, so a crash between the renames leaves a
  // file without metadata (recomputed) rather than beside stale metadata. When a rename fails,
  // the later steps are dropped and their temporaries removed; drain() reports the failure.
  void submit(std::vector<Step> steps, Hold hold = nullptr);

  // Waits for every queued fsync, syncs the folders they touched, and throws the first failure
  // as UserError.
  void drain();

 private:
  void work(std::stop_token stop);

  mutable std::mutex mutex_;
  std::condition_variable_any has_work_;
  std::condition_variable idle_;
  std::deque<std::vector<std::filesystem::path>> jobs_;  // files in place, to fsync
  std::set<std::filesystem::path> touched_folders_;
  std::size_t busy_ = 0;
  std::optional<std::string> error_;
  unsigned thread_count_;
  std::vector<std::jthread> threads_;
};

}  // namespace cf::host
