#include "persistence/file_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace osprey::persistence {

namespace {

base::Status Failure(int err) {
  std::string text = std::strerror(err);
  return err == ENOENT ? base::Status::NotFound(std::move(text))
                       : base::Status::IoError(std::move(text));
}

}  // namespace

base::Result<FileImage> FileImage::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Failure(err);
  }
  // A directory opens read-only but cannot be read as a file.
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Failure(EISDIR);
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* map = nullptr;
  if (size > 0) {
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return Failure(err);
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
  }
  ::close(fd);
  return FileImage(map, size);
}

FileImage::FileImage(FileImage&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)), size_(std::exchange(other.size_, 0)) {}

FileImage& FileImage::operator=(FileImage&& other) noexcept {
  if (this != &other) {
    Release();
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

FileImage::~FileImage() { Release(); }

void FileImage::Release() {
  if (map_ != nullptr) ::munmap(map_, size_);
  map_ = nullptr;
  size_ = 0;
}

}  // namespace osprey::persistence
