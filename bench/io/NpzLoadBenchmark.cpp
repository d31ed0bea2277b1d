// medsight_bench_npz_load NPZ REPEATS: times NpzReader loading every array of an archive fully
// into memory (open, inflate, parse, convert to C order), REPEATS times in one process, and prints
// one JSON object: per-repetition seconds plus each array's shape and a checksum, so the peer
// (numpy.load in bench/io/compare_io.py) can be checked to have loaded the same data.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"
#include "io/NpzReader.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: medsight_bench_npz_load NPZ REPEATS\n";
    return 2;
  }
  try {
    const std::string path = argv[1];
    const int repeats = std::stoi(argv[2]);
    nlohmann::json out;
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const medsight::NpzReader npz(path);
      std::vector<medsight::NpyArray> arrays;
      const auto names = npz.arrayNames();
      for (const auto& name : names) arrays.push_back(npz.read(name));
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (r == 0) {
        for (std::size_t i = 0; i < names.size(); ++i) {
          std::uint64_t sum = 0;
          for (std::byte b : arrays[i].bytes()) sum += static_cast<std::uint8_t>(b);
          out["arrays"][names[i]] = {{"shape", arrays[i].shape()},
                                     {"dtype", arrays[i].descr()},
                                     {"bytes", arrays[i].bytes().size()},
                                     {"byte_sum", sum}};
        }
      }
    }
    out["seconds"] = seconds;
    std::cout << out.dump() << '\n';
  } catch (const medsight::Error& e) {
    std::cerr << "medsight_bench_npz_load: " << e.what() << '\n';
    return e.exitCode();
  }
  return 0;
}
