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
  {
    std::lock_guard lock(mutex_);
    for (const Step& step : steps) pending_.insert(step.target);
    jobs_.push_back(Job{std::move(steps), std::move(hold)});
    while (threads_.size() < thread_count_)
      threads_.emplace_back([this](std::stop_token stop) { work(stop); });
  }
  has_work_.notify_one();
}

bool CommitQueue::pending(const std::filesystem::path& target) const {
  std::lock_guard lock(mutex_);
  return pending_.contains(target);
}

void CommitQueue::work(std::stop_token stop) {
  for (;;) {
    std::vector<Step> job;
    Hold hold;
    {
      std::unique_lock lock(mutex_);
      if (!has_work_.wait(lock, stop, [&] { return !jobs_.empty(); })) return;
      job = std::move(jobs_.front().steps);
      hold = std::move(jobs_.front().hold);
      jobs_.pop_front();
      ++busy_;
    }
    std::optional<std::string> failure;
    for (const Step& step : job) {
      if (failure) {
        std::error_code ignored;
        std::filesystem::remove(step.temporary, ignored);
        continue;
      }
      try {
        commit_temporary(step.temporary, step.target);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    {
      std::lock_guard lock(mutex_);
      for (const Step& step : job) {
        pending_.erase(pending_.find(step.target));
        touched_folders_.insert(step.target.parent_path());
      }
      if (failure && !error_) error_ = failure;
      hold.reset();  // e.g. the stage's lock: released only once its files are in place
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
