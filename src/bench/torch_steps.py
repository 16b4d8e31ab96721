"""PyTorch reference steps for `npm run bench` (reference only: never a dependency of the project).

The same cases as src/bench/torch-reference.ts, on one thread, driven over stdin/stdout so that
the benchmark can interleave them with ours in one run. One JSON object per line:
  -> {"cmd": "setup", "case": "mlp-b64-adam" | "cnn-b64-adam" | "sgd-b1-784-500-10"}
  <- {"ok": true, "samplesPerStep": 64}
  -> {"cmd": "run", "case": ..., "steps": N}
  <- {"ok": true, "wallMs": <per step>, "cpuMs": <per step>}
Each step is the training loop's: slice a batch from a pre-shuffled full-size buffer, forward,
loss and the batch's correct count, backward, optimizer step, [loss·b, correct] added into a running
total, and the loss read back (as our loop does at lossReadEvery = 1).
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
# glibc serves allocations over its mmap threshold (128 KiB at start) with fresh mmap'd pages, and so
# every 400 KB temporary of Adam's element-wise ops page-faults; freeing one large mmap'd block raises
# the threshold (glibc's dynamic threshold) and later temporaries reuse heap memory. Measured here:
# the MLP step takes 4.2-5.9 ms of CPU without this, 1.4-1.7 ms with it. A real training process has
# usually freed such a block already; without it the yardstick would depend on what ran before (the
# CNN's first step does it too). We take PyTorch at its best.
_block = torch.empty(2**21)  # 8 MiB
del _block
torch.manual_seed(0)


def blas_library():
    """The BLAS shared library this process loaded (Debian's torch uses whatever libblas.so.3 points at:
    the reference BLAS of libblas3 is several times slower than OpenBLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line}
        return ", ".join(sorted(libs)) or "none found"
    except OSError:
        return "unknown"

N = 60000


def mlp_128_64():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def mlp_500_linear():
    return nn.Sequential(nn.Linear(784, 500), nn.Linear(500, 10))


class Cnn(nn.Module):
    """Seed 001's Keras CNN (channels-first here, as torch prefers)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.drop1 = nn.Dropout(0.25)
        self.dense1 = nn.Linear(13 * 13 * 32, 256)
        self.drop2 = nn.Dropout(0.5)
        self.dense2 = nn.Linear(256, 10)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = self.drop1(torch.max_pool2d(torch.relu(self.conv(x)), 2))
        x = self.drop2(torch.relu(self.dense1(x.flatten(1))))
        return self.dense2(x)


CASES = {
    "mlp-b64-adam": (mlp_128_64, 64, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "cnn-b64-adam": (Cnn, 64, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "sgd-b1-784-500-10": (mlp_500_linear, 1, lambda p: torch.optim.SGD(p, lr=0.01)),
}


class Stepper:
    def __init__(self, name):
        make_model, self.batch, make_opt = CASES[name]
        self.model = make_model()
        self.model.train()
        self.opt = make_opt(self.model.parameters())
        self.x = torch.rand(N, 784)
        self.y = torch.randint(0, 10, (N,))
        self.loss_fn = nn.CrossEntropyLoss()
        self.cursor = 0
        self.batches = N // self.batch
        self.totals = torch.zeros(2)

    def step(self):
        off = (self.cursor % self.batches) * self.batch
        self.cursor += 1
        x, y = self.x[off:off + self.batch], self.y[off:off + self.batch]
        self.opt.zero_grad(set_to_none=True)
        logits = self.model(x)
        loss = self.loss_fn(logits, y)
        loss.backward()
        self.opt.step()
        with torch.no_grad():
            correct = (logits.argmax(1) == y).sum()
            self.totals += torch.stack([loss * self.batch, correct.float()])
        return self.totals[0].item()

    def run(self, steps):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            self.step()
        return (time.perf_counter() - w0) * 1000 / steps, (time.process_time() - c0) * 1000 / steps


def main():
    steppers = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            if msg["cmd"] == "setup":
                steppers[msg["case"]] = Stepper(msg["case"])
                reply = {"ok": True, "samplesPerStep": steppers[msg["case"]].batch, "torch": torch.__version__, "blas": blas_library()}
            elif msg["cmd"] == "run":
                wall, cpu = steppers[msg["case"]].run(int(msg["steps"]))
                reply = {"ok": True, "wallMs": wall, "cpuMs": cpu}
            else:
                reply = {"ok": False, "error": f"unknown cmd {msg['cmd']!r}"}
        except Exception as e:  # report, keep serving: the Node side decides what to do
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
