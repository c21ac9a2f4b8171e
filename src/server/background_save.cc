#include "server/background_save.h"

#include <algorithm>

#include "server/server.h"
#include "server/server_config.h"

namespace osprey::server {

namespace {

// One slice of the walk between two rounds of events: short, so a request
// arriving meanwhile waits little (BGSAVE must not move the p99 much).
constexpr int64_t kSliceMicros = 100;
// Keys walked between two looks at the clock.
constexpr size_t kStepEntries = 64;
// The walk waits while this much is queued for the disk: the snapshot's
// memory stays a few megabytes whatever the size of the data set.
constexpr size_t kMaxPendingBytes = 8u << 20;

}  // namespace

BackgroundSave::~BackgroundSave() { Abort(); }

base::Status BackgroundSave::Start(Kind kind, std::string path, std::string temp_path,
                                   const WriterFactory& make_writer, DoneFn done) {
  auto file = persistence::BackgroundFile::Create(std::move(path), std::move(temp_path));
  if (!file.ok()) return file.status();
  auto job = std::make_unique<Job>();
  job->kind = kind;
  job->start_ms = server_->clock().NowMillis();
  job->start_us = server_->clock().MonotonicMicros();
  job->file = std::move(file).value();
  job->sink = std::make_unique<persistence::BackgroundFileSink>(job->file.get());
  job->writer = make_writer(job->sink.get());
  job->walk = std::make_unique<keyspace::SnapshotWalk>(&server_->keyspace(), job->writer.get());
  job->done = std::move(done);
  job_ = std::move(job);
  server_->loop().WakeNow();
  return base::Status::Ok();
}

size_t BackgroundSave::KeyAllowance() const {
  const int delay = server_->config().rdb_key_save_delay;
  if (delay == 0) return SIZE_MAX;
  // Positive: microseconds per key; negative: nanoseconds per key.
  const int64_t elapsed_ns = (server_->clock().MonotonicMicros() - job_->start_us) * 1000;
  const int64_t per_key_ns = delay > 0 ? int64_t{delay} * 1000 : -int64_t{delay};
  const auto allowed = static_cast<uint64_t>(elapsed_ns / per_key_ns);
  const uint64_t emitted = job_->walk->entries_emitted();
  return allowed > emitted ? static_cast<size_t>(allowed - emitted) : 0;
}

void BackgroundSave::Step() {
  if (!job_) return;
  net::EventLoop& loop = server_->loop();
  if (job_->walk) {
    if (job_->file->failed()) {
      job_->walk.reset();
      job_->file->Commit();  // reports the write failure
    } else if (job_->file->pending_bytes() > kMaxPendingBytes) {
      loop.WakeWithin(1);
      return;
    } else {
      const base::Clock& clock = server_->clock();
      const int64_t deadline = clock.MonotonicMicros() + kSliceMicros;
      size_t allowance = KeyAllowance();
      while (allowance > 0) {
        const size_t before = job_->walk->entries_emitted();
        if (job_->walk->Step(std::min(allowance, kStepEntries))) break;
        if (allowance != SIZE_MAX) {
          allowance -= std::min(allowance, static_cast<size_t>(job_->walk->entries_emitted() - before));
        }
        if (clock.MonotonicMicros() >= deadline) break;
      }
      if (job_->walk->done()) {
        EndWalk();
      } else {
        if (allowance == SIZE_MAX || allowance > 0) {
          loop.WakeNow();
        } else {
          loop.WakeWithin(1);
        }
        return;
      }
    }
  }
  base::Status st;
  if (job_->file->Finished(&st)) {
    Complete(st);
  } else {
    loop.WakeWithin(1);
  }
}

void BackgroundSave::EndWalk() {
  job_->walk.reset();  // writes from now on need no hook
  job_->writer->End();
  job_->sink->Flush();
  job_->file->Commit();
}

void BackgroundSave::FinishNow() {
  if (!job_) return;
  if (job_->walk) {
    job_->walk->Finish();
    EndWalk();
  }
  Complete(job_->file->CommitAndWait());
}

void BackgroundSave::Complete(const base::Status& st) {
  std::unique_ptr<Job> job = std::move(job_);
  job->walk.reset();
  DoneFn done = std::move(job->done);
  job.reset();
  if (done) done(st);
}

void BackgroundSave::Abort() {
  if (!job_) return;
  std::unique_ptr<Job> job = std::move(job_);
  job->walk.reset();
  job->file->Abort();
}

}  // namespace osprey::server
