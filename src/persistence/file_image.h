// A file's bytes, mapped read-only for as long as the object lives: the
// check tools read whole RDB and AOF files this way, without a copy and
// without holding them in memory twice.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::persistence {

class FileImage {
 public:
  // Maps the file at `path` (an empty file maps to no bytes). On failure the
  // status is kNotFound when there is no such file, else kIoError; its
  // message is the system's text for the error alone ("No such file or
  // directory"), for the caller to place in its own line.
  static base::Result<FileImage> Open(const std::string& path);

  FileImage() = default;  // no bytes
  FileImage(FileImage&& other) noexcept;
  FileImage& operator=(FileImage&& other) noexcept;
  FileImage(const FileImage&) = delete;
  FileImage& operator=(const FileImage&) = delete;
  ~FileImage();

  std::string_view data() const { return {static_cast<const char*>(map_), size_}; }

 private:
  FileImage(void* map, size_t size) : map_(map), size_(size) {}
  void Release();

  void* map_ = nullptr;
  size_t size_ = 0;
};

}  // namespace osprey::persistence
