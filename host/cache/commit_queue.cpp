#include "cache/commit_queue.hpp"

#include "cache/atomic_file.hpp"
#include "util/error.hpp"

#include <exception>

namespace cf::host {

CommitQueue::~CommitQueue() {
  try {
    drain();
  } catch (...) {
    // Reported by the explicit drain() of a run; a destructor must not throw.
  }
  for (auto& thread : threads_) thread.request_stop();
  has_work_.notify_all();
}

void CommitQueue::submit(std::vector<Step> steps, Hold hold) {
  std::error_code ignored;
  for (std::size_t i = 1; i < steps.size(); ++i) std::filesystem::remove(steps[i].target, ignored);
  std::vector<std::filesystem::path> placed;
  std::optional<std::string> failure;
  for (const Step& step : steps) {
    if (failure) {
      std::filesystem::remove(step.temporary, ignored);
      continue;
    }
    try {
      rename_into_place(step.temporary, step.target);
      placed.push_back(step.target);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  hold.reset();  // e.g. the stage's lock: the files are in place, so a waiting process may read them
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (failure && !error_) error_ = failure;
    if (placed.empty()) return;
    // A worker woken for an earlier job that has not taken it yet wakes the next one itself
    // (see work()): a wake-up is a system call and often a context switch on this thread.
    wake = jobs_.empty();
    jobs_.push_back(std::move(placed));
    while (threads_.size() < thread_count_)
      threads_.emplace_back([this](std::stop_token stop) { work(stop); });
  }
  if (wake) has_work_.notify_one();
}

void CommitQueue::work(std::stop_token stop) {
  for (;;) {
    std::vector<std::filesystem::path> files;
    bool more = false;
    {
      std::unique_lock lock(mutex_);
      if (!has_work_.wait(lock, stop, [&] { return !jobs_.empty(); })) return;
      files = std::move(jobs_.front());
      jobs_.pop_front();
      ++busy_;
      more = !jobs_.empty();
    }
    if (more) has_work_.notify_one();
    std::optional<std::string> failure;
    for (const auto& file : files) {
      try {
        sync_placed_file(file);
      } catch (const std::exception& e) {
        if (!failure) failure = e.what();
      }
    }
    {
      std::lock_guard lock(mutex_);
      for (const auto& file : files) touched_folders_.insert(file.parent_path());
      if (failure && !error_) error_ = failure;
      --busy_;
    }
    idle_.notify_all();
  }
}

void CommitQueue::drain() {
  std::set<std::filesystem::path> folders;
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return jobs_.empty() && busy_ == 0; });
    folders.swap(touched_folders_);
    if (error_) {
      const std::string message = *error_;
      error_.reset();
      throw UserError(message);
    }
  }
  for (const auto& folder : folders) sync_folder_of(folder / ".");
}

}  // namespace cf::host
