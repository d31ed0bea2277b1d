#!/usr/bin/python3
"""PyTorch (Debian python3-torch 1.13) peer for bench/models: the same ResNet-18 as
src/models/ResNetClassifier.cpp (3x3 stride-1 stem without pooling below 64 px, 7x7/2 + max pool
otherwise; basic blocks [2,2,2,2]; one logit), same batch, threads and timing loop."""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet18(nn.Module):
    def __init__(self, channels, size, width):
        super().__init__()
        w = width
        if size < 64:
            self.stem = nn.Sequential(nn.Conv2d(channels, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        else:
            self.stem = nn.Sequential(nn.Conv2d(channels, w, 7, 2, 3, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                                      nn.MaxPool2d(3, 2, 1))

        def stage(cin, cout, stride):
            return nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1))

        self.layer1 = stage(w, w, 1)
        self.layer2 = stage(w, 2 * w, 2)
        self.layer3 = stage(2 * w, 4 * w, 2)
        self.layer4 = stage(4 * w, 8 * w, 2)
        self.fc = nn.Linear(8 * w, 1)

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="resnet18")
    p.add_argument("--mode", default="train")
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--width", type=int, default=64)
    a = p.parse_args()
    if a.arch != "resnet18":
        raise SystemExit("peer implements resnet18 only")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = ResNet18(a.channels, a.size, a.width)
    x = torch.randn(a.batch, a.channels, a.size, a.size)
    y = torch.randint(0, 2, (a.batch,)).float()
    times = []
    if a.mode == "train":
        net.train()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
        for i in range(a.warmup + a.iterations):
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(net(x).view(-1), y)
            loss.backward()
            opt.step()
            if i >= a.warmup:
                times.append(time.perf_counter() - t0)
    else:
        net.eval()
        with torch.no_grad():
            for i in range(a.warmup + a.iterations):
                t0 = time.perf_counter()
                out = net(x)
                float(out.sum())
                if i >= a.warmup:
                    times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps({"impl": "pytorch-python", "arch": a.arch, "mode": a.mode, "size": a.size,
                      "batch": a.batch, "threads": a.threads, "median_ms": round(median * 1000, 3),
                      "images_per_s": round(a.batch / median, 1)}))


if __name__ == "__main__":
    main()
