// Training throughput and inference latency of MedSight's LibTorch classifiers. Run through
// bench/models/run.sh, which runs the PyTorch peer (peer_pytorch.py) with the same
// architecture, input, batch and threads in the same run and compares.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/ClassifierNetwork.h"

namespace {

struct Options {
  std::string arch = "resnet18";
  std::string mode = "train";
  int size = 28;
  int channels = 1;
  int batch = 64;
  int iterations = 20;
  int warmup = 3;
  int threads = 2;
  int width = 64;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--arch")
      o.arch = v;
    else if (k == "--mode")
      o.mode = v;
    else if (k == "--size")
      o.size = std::stoi(v);
    else if (k == "--channels")
      o.channels = std::stoi(v);
    else if (k == "--batch")
      o.batch = std::stoi(v);
    else if (k == "--iterations")
      o.iterations = std::stoi(v);
    else if (k == "--warmup")
      o.warmup = std::stoi(v);
    else if (k == "--threads")
      o.threads = std::stoi(v);
    else if (k == "--width")
      o.width = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  torch::set_num_threads(o.threads);
  torch::manual_seed(0);
  medsight::ArchitectureSpec spec;
  spec.name = o.arch;
  spec.inputSize = o.size;
  spec.inputChannels = o.channels;
  spec.width = o.width;
  spec.outputs = 1;
  auto net = medsight::createClassifierNetwork(spec);
  const auto x = torch::randn({o.batch, o.channels, o.size, o.size});
  const auto y = torch::randint(0, 2, {o.batch}).to(torch::kFloat);
  std::vector<double> seconds;
  using Clock = std::chrono::steady_clock;
  if (o.mode == "train") {
    net->train();
    torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-3));
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
      const auto t0 = Clock::now();
      opt.zero_grad();
      auto loss = torch::binary_cross_entropy_with_logits(net->forward(x).view({-1}), y);
      loss.backward();
      opt.step();
      if (i >= o.warmup)
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
  } else {
    net->eval();
    torch::NoGradGuard noGrad;
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
      const auto t0 = Clock::now();
      auto out = net->forward(x);
      (void)out.sum().item<float>();
      if (i >= o.warmup)
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf(
      "{\"impl\": \"medsight-libtorch\", \"arch\": \"%s\", \"mode\": \"%s\", \"size\": %d, "
      "\"batch\": %d, \"threads\": %d, \"median_ms\": %.3f, \"images_per_s\": %.1f}\n",
      o.arch.c_str(), o.mode.c_str(), o.size, o.batch, o.threads, median * 1000.0,
      static_cast<double>(o.batch) / median);
  return 0;
}
