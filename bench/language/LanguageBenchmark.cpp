// Benchmark: MedSight's ConText extractor against the original Python NegEx algorithm
// (bench/language/negex_reference.py, a labelled re-implementation) on the same ConText corpus,
// in one run: sentences per second and peak memory, one thread/process and all cores.
// Each MedSight configuration runs in a forked child so wait4() reports its own peak RSS.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/DatasetLocator.h"
#include "language/ContextCorpusEvaluator.h"
#include "language/FindingExtractor.h"

namespace {

using medsight::ContextCorpusEvaluator;
using medsight::FindingExtractor;

struct Options {
  std::string data;
  std::string triggers;
  std::string peer = MEDSIGHT_BENCH_SOURCE_DIR "/negex_reference.py";
  std::string python = "/usr/bin/python3";
  int repeat = 20;
  int peerRepeat = 3;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  bool json = false;
};

/// Runs in a child: loads everything, then times `repeat` passes over the corpus.
nlohmann::json measureMedsight(const Options& o, unsigned threads) {
  const auto extractor = FindingExtractor::loadDefault();
  const auto rows = ContextCorpusEvaluator::read(o.data);
  // Accuracy from one ordinary evaluation; throughput from long-lived workers (each keeps its
  // ICU iterators, as a server worker would) that split the rows of every pass.
  const auto report = ContextCorpusEvaluator::evaluate(extractor, rows, 1);
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int r = 0; r < o.repeat; ++r) {
          for (std::size_t i = t; i < rows.size(); i += threads) {
            const auto j = extractor.judgeTarget(rows[i].sentence, rows[i].condition);
            if (!j.found && rows[i].condition.empty()) std::abort();  // keep the call
          }
        }
      });
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double sentences = double(rows.size()) * o.repeat;
  return {{"implementation", "MedSight FindingExtractor (C++, ICU + phrase automaton)"},
          {"threads", threads},
          {"sentences", sentences},
          {"seconds", seconds},
          {"sentences_per_second", sentences / seconds},
          {"negation_f1", report.negationF1()},
          {"temporality_accuracy", report.temporalityAccuracy()}};
}

nlohmann::json inChild(const Options& o, unsigned threads) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = measureMedsight(o, threads).dump();
    } catch (const std::exception& e) {
      out = nlohmann::json{{"error", e.what()}}.dump();
    }
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  auto result = nlohmann::json::parse(text);
  result["peak_rss_kib"] = usage.ru_maxrss;
  return result;
}

nlohmann::json runPeer(const Options& o, unsigned workers) {
  const std::string command = o.python + " " + o.peer + " " + o.triggers + " " + o.data +
                              " --repeat " + std::to_string(o.peerRepeat) + " --workers " +
                              std::to_string(workers);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string text;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  if (pclose(pipe) != 0 || text.empty()) throw std::runtime_error("peer failed: " + command);
  return nlohmann::json::parse(text);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data")
      o.data = next();
    else if (a == "--triggers")
      o.triggers = next();
    else if (a == "--peer")
      o.peer = next();
    else if (a == "--python")
      o.python = next();
    else if (a == "--repeat")
      o.repeat = std::stoi(next());
    else if (a == "--peer-repeat")
      o.peerRepeat = std::stoi(next());
    else if (a == "--threads")
      o.threads = static_cast<unsigned>(std::stoi(next()));
    else if (a == "--smoke")
      o.repeat = 1, o.peerRepeat = 1;
    else if (a == "--json")
      o.json = true;
    else {
      std::cerr << "usage: medsight_bench_language [--data context_dev.tsv] [--triggers "
                   "negex_triggers.txt] [--repeat N] [--peer-repeat N] [--threads N] [--smoke] "
                   "[--json]\n";
      return 2;
    }
  }
  if (o.data.empty())
    o.data = medsight::DatasetLocator::find("clinical-text/context_dev.tsv").value_or("").string();
  if (o.triggers.empty())
    o.triggers =
        medsight::DatasetLocator::find("clinical-text/negex_triggers.txt").value_or("").string();
  if (o.data.empty() || o.triggers.empty()) {
    std::cerr << "benchmark data not found; searched " << medsight::DatasetLocator::searchedPlaces()
              << '\n';
    return 3;
  }
  nlohmann::json results = nlohmann::json::array();
  results.push_back(inChild(o, 1));
  if (o.threads > 1) results.push_back(inChild(o, o.threads));
  results.push_back(runPeer(o, 1));
  if (o.threads > 1) results.push_back(runPeer(o, o.threads));
  for (const auto& r : results) {
    if (r.contains("error")) {
      std::cerr << "benchmark failed: " << r["error"] << '\n';
      return 1;
    }
  }
  const double speedup1 = results[0]["sentences_per_second"].get<double>() /
                          results[o.threads > 1 ? 2 : 1]["sentences_per_second"].get<double>();
  if (o.json) {
    std::cout << nlohmann::json{{"data", o.data},
                                {"results", results},
                                {"speedup_single", speedup1}}
                     .dump(2)
              << '\n';
    return 0;
  }
  std::printf("corpus: %s\n", o.data.c_str());
  std::printf("%-68s %7s %11s %13s %9s\n", "implementation", "workers", "sentences", "sentences/s",
              "peak MiB");
  for (const auto& r : results) {
    const auto workers =
        r.contains("threads") ? r["threads"].get<unsigned>() : r["workers"].get<unsigned>();
    std::printf("%-68s %7u %11.0f %13.0f %9.1f   negation F1 %.3f\n",
                r["implementation"].get<std::string>().c_str(), workers,
                r["sentences"].get<double>(), r["sentences_per_second"].get<double>(),
                r["peak_rss_kib"].get<double>() / 1024.0, r["negation_f1"].get<double>());
  }
  std::printf("speed-up, one thread vs one Python process: %.1fx\n", speedup1);
  if (o.threads > 1) {
    std::printf("speed-up, %u threads vs %u Python processes: %.1fx\n", o.threads, o.threads,
                results[1]["sentences_per_second"].get<double>() /
                    results[3]["sentences_per_second"].get<double>());
  }
  return 0;
}
