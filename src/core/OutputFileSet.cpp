#include "core/OutputFileSet.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"

namespace medsight {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::filesystem::path folderOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

OutputFileSet::~OutputFileSet() {
  if (committed_) return;
  // Newest first; errors are ignored: this runs while another error is on its way out.
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    std::error_code ec;
    std::filesystem::remove_all(*it, ec);
  }
}

void OutputFileSet::claim(const std::filesystem::path& path, const std::string& option) {
  const auto normal = std::filesystem::absolute(path).lexically_normal();
  if (std::find(declared_.begin(), declared_.end(), normal) != declared_.end()) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": another output of this command has this path");
  }
  const auto folder = folderOf(path);
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw Error(ErrorCode::FileNotFound, option + " " + path.string() + ": the folder " +
                                             folder.string() + " does not exist");
  }
  declared_.push_back(normal);
  if (!std::filesystem::exists(path, ec)) created_.push_back(path);
}

void OutputFileSet::addFile(const std::filesystem::path& path,
                            const std::vector<std::string>& suffixes, const std::string& option) {
  const std::string name = lower(path.filename().string());
  const bool suffixOk =
      suffixes.empty() || std::any_of(suffixes.begin(), suffixes.end(), [&](const auto& s) {
        const std::string want = lower(s);
        return name.size() > want.size() &&
               name.compare(name.size() - want.size(), want.size(), want) == 0;
      });
  if (!suffixOk) {
    std::string list;
    for (const auto& s : suffixes) list += (list.empty() ? "" : " or ") + s;
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": the file name must end in " + list);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": is a folder; give a file name");
  }
  claim(path, option);
}

void OutputFileSet::addFolder(const std::filesystem::path& given, const std::string& option) {
  // "out/" names the folder out.
  const auto path = given.has_filename() ? given : given.parent_path();
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::InvalidArgument,
                option + " " + path.string() + ": is a file; give a folder");
  }
  claim(path, option);
}

}  // namespace medsight
