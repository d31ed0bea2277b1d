#include "store/InstanceFileStore.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Sha256.h"

namespace medsight {
namespace fs = std::filesystem;

InstanceFileStore::InstanceFileStore(fs::path root, AtRestCipher cipher)
    : root_(std::move(root)), cipher_(std::move(cipher)) {
  std::error_code ec;
  fs::create_directories(root_ / "objects", ec);
  if (ec)
    throw Error(ErrorCode::FileWriteFailed, root_.string() + ": cannot create: " + ec.message());
  fs::permissions(root_, fs::perms::owner_all, fs::perm_options::replace, ec);
}

StoredFile InstanceFileStore::store(std::string_view plain) const {
  StoredFile out;
  out.sha256 = Sha256::ofString(std::string(plain));
  out.bytes = static_cast<std::int64_t>(plain.size());
  // One level of 256 folders: a new folder (and its extra fsync) is rare, so a durable store
  // costs two fsyncs (file, folder entry) before the database commit.
  const fs::path relative =
      fs::path("objects") / out.sha256.substr(0, 2) / (out.sha256 + ".msenc");
  out.fileName = relative.generic_string();
  const fs::path target = root_ / relative;
  std::error_code ec;
  if (fs::exists(target, ec)) return out;  // same content already stored (content address)
  const fs::path folder = target.parent_path();
  if (!fs::exists(folder)) {
    fs::create_directories(folder, ec);
    if (ec) throw Error(ErrorCode::FileWriteFailed, folder.string() + ": " + ec.message());
    // New folder entries must reach the disk too, or a crash could lose the whole subtree.
    AtomicFile::sync(folder.parent_path());
  }
  AtomicFile::write(target, cipher_.encrypt(plain));
  return out;
}

std::string InstanceFileStore::read(const std::string& fileName) const {
  const fs::path path = root_ / fileName;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, path.string() + ": stored file is missing");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return cipher_.decrypt(buffer.str(), path.string());
}

void InstanceFileStore::extract(const std::string& fileName, const fs::path& target) const {
  cipher_.decryptFile(root_ / fileName, target);
}

std::size_t InstanceFileStore::sweepUnreferenced(const std::vector<std::string>& referenced,
                                                 int minAgeSeconds) const {
  const std::unordered_set<std::string> keep(referenced.begin(), referenced.end());
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::seconds(minAgeSeconds);
  std::size_t removed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_ / "objects", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = fs::relative(it->path(), root_).generic_string();
    if (keep.count(name)) continue;
    if (it->last_write_time() > cutoff) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

}  // namespace medsight
