#include "FuzzInputFile.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace medsight::fuzz {

FuzzInputFile::FuzzInputFile(const std::string& suffix) {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm", ec)
                                        ? std::filesystem::path("/dev/shm")
                                        : std::filesystem::temp_directory_path();
  path_ = dir / ("medsight-fuzz-" + std::to_string(::getpid()) + suffix);
}

FuzzInputFile::~FuzzInputFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

const std::filesystem::path& FuzzInputFile::write(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path_.c_str(), "wb"),
                                                      &std::fclose);
  // A harness that cannot write its input would report every run as a pass: stop instead.
  if (!out || (size > 0 && std::fwrite(data, 1, size, out.get()) != size)) std::abort();
  return path_;
}

}  // namespace medsight::fuzz
