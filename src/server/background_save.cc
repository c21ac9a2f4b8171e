#include "server/background_save.h"

#include <time.h>

#include <algorithm>

#include "server/server.h"
#include "server/server_config.h"

namespace osprey::server {

namespace {

// One slice of the walk between two rounds of events: short, so a request
// arriving meanwhile waits little (BGSAVE must not move the p99 much): 25
// µs took a 1M-key BGSAVE under 20,000 writes/s no longer than 100 µs did,
// and added half as much to the writes' p99. When requests kept the thread
// busy since the last slice, the slice is half that time (up to a
// millisecond): a saturated server still gives the walk a third of its
// time, so the save ends.
constexpr int64_t kMinSliceMicros = 25;
constexpr int64_t kMaxSliceMicros = 1000;
// Keys walked between two looks at the clock: few enough that a slice
// ends close to its time (a look costs some 20 ns, a key about a µs).
constexpr size_t kStepEntries = 16;
// The walk waits while this much is queued for the disk: the snapshot's
// memory stays a few megabytes whatever the size of the data set.
constexpr size_t kMaxPendingBytes = 8u << 20;
// The file's thread has done nothing for this long while work waits: it
// gets no time (see HelpIfStarved).
constexpr int64_t kStarvedMicros = 20000;

// CPU time of the calling thread: what it did between two slices, sleep
// not counted.
int64_t ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

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
  job->file_progress_us = job->start_us;
  job->cpu_after_slice_us = ThreadCpuMicros();
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

void BackgroundSave::HelpIfStarved() {
  // The file's thread runs on idle time only; when other processes leave it
  // none, the engine does some of its work rather than wait forever.
  const int64_t now = server_->clock().MonotonicMicros();
  const uint64_t progress = job_->file->progress();
  if (progress != job_->file_progress) {
    job_->file_progress = progress;
    job_->file_progress_us = now;
  } else if (now - job_->file_progress_us >= kStarvedMicros) {
    job_->file->Help();
  }
}

void BackgroundSave::Step() {
  if (!job_) return;
  net::EventLoop& loop = server_->loop();
  if (job_->walk) {
    if (job_->file->failed()) {
      job_->walk.reset();
      job_->file->Commit();  // reports the write failure
    } else if (job_->file->pending_bytes() > kMaxPendingBytes) {
      // The loop sleeps until the next request or a millisecond: that idle
      // time is what the file's thread writes in.
      HelpIfStarved();
      loop.WakeWithin(1);
      return;
    } else {
      const base::Clock& clock = server_->clock();
      const int64_t now = clock.MonotonicMicros();
      const int64_t busy = ThreadCpuMicros() - job_->cpu_after_slice_us;
      const int64_t deadline = now + std::clamp(busy / 2, kMinSliceMicros, kMaxSliceMicros);
      job_->file_progress_us = now;  // starvation counts while the walk waits
      size_t allowance = KeyAllowance();
      while (allowance > 0) {
        const size_t before = job_->walk->entries_emitted();
        if (job_->walk->Step(std::min(allowance, kStepEntries))) break;
        if (allowance != SIZE_MAX) {
          allowance -= std::min(allowance, static_cast<size_t>(job_->walk->entries_emitted() - before));
        }
        if (clock.MonotonicMicros() >= deadline) break;
      }
      job_->cpu_after_slice_us = ThreadCpuMicros();
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
    HelpIfStarved();
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
