#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace medsight {

class ImageClassifier;

/// \brief Loaded model packages of one worker thread, by name (models/<name>/), loaded on first
/// use with their SHA-256 checks. LibTorch modules are not shared between threads.
class ModelCatalog {
 public:
  /// \brief Packages under `folder`; `threads` LibTorch threads per model.
  ModelCatalog(std::filesystem::path folder, int threads);
  ~ModelCatalog();
  ModelCatalog(ModelCatalog&&) noexcept;
  /// \brief The model, or nullptr with `why` set when it is not installed.
  const ImageClassifier* find(const std::string& name, std::string& why);

 private:
  std::filesystem::path folder_;
  int threads_;
  std::map<std::string, std::unique_ptr<ImageClassifier>> loaded_;
};

}  // namespace medsight
