#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace medsight::test {

/// \brief A synthetic task whose right explanation is known: 28x28 grey images of smooth
/// noise; "present" images (label 1) hold a bright 6x6 square, "absent" ones a dark square, at
/// random places. A model that learned the task must look at the square.
struct BlobDataset {
  std::filesystem::path npz;  ///< splits "train" and "val" (MedMNIST layout)
  /// \brief Square of each val image: x, y (top-left), size.
  std::vector<std::array<int, 3>> valSquares;
  std::vector<int> valLabels;
};

/// \brief Writes the data set to `npz` with `train` and `val` images.
BlobDataset writeBlobDataset(const std::filesystem::path& npz, std::size_t train, std::size_t val,
                             std::uint64_t seed);

/// \brief The data set (400 train, 120 val) and a ResNet-18 (width 4) trained on it for a few
/// epochs, built once per test process in a temporary folder.
struct BlobModel {
  BlobDataset data;
  std::filesystem::path folder;
};
const BlobModel& trainedBlobModel();

/// \brief An untrained package (random weights, same layout) for I/O and error tests.
std::filesystem::path untrainedBlobPackage();

}  // namespace medsight::test
