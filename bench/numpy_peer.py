#!/usr/bin/env python3
"""
The batched NumPy peer of `npm run bench` (bench/bench.ts runs it as a separate process).

What a researcher who knows the coefficient-space trick of README.md would write instead of
claimcheck: every run of the workload (seeds x algorithms) stacked into one float32 array, one
batched matmul per GD step against the per-seed Gram matrices, OpenBLAS with as many threads as
claimcheck has workers (OPENBLAS_NUM_THREADS, set by the bench), the data drawn with NumPy's own
generator. The mathematics is that of spec/model.md in coefficient space (the same recurrences as
claimcheck's coefficient engine): gamma (runs x 2m), rho (runs x 2m x n), test predictions from
the train/test cross-Gram every `eval_every` steps (train loss and test error of every run).

It prints one JSON object: phase timings (import, data, set-up, training), the BLAS library and
the kernel it runs (threadpoolctl when installed, else the OpenBLAS bundled with NumPy asked
through ctypes, else numpy.show_config), and the final test error of every run (a sanity check:
GD and label-noise GD should differ at paper A's setting, as in claimcheck).

usage: python3 bench/numpy_peer.py --n 200 --ntest 2000 --d 2000 --m 20 --seeds 8 --algos gd,lngd
       [--steps 2000] [--eval-every 100] [--q 2] [--p 0.1] [--A 2] [--sigma-p 0.5] [--sigma0 0.01] [--eta 1]
"""
import argparse
import json
import os
import sys
import time

T_START = time.perf_counter()
import numpy as np  # noqa: E402

T_IMPORTED = time.perf_counter()


def blas_info():
    """Which BLAS library, kernel (core type) and thread count NumPy runs with."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore

        infos = [i for i in threadpool_info() if i.get('user_api') == 'blas']
        if infos:
            i = infos[0]
            return {'source': 'threadpoolctl', 'library': i.get('internal_api'), 'version': i.get('version'),
                    'kernel': i.get('architecture'), 'threads': i.get('num_threads')}
    except Exception:
        pass
    try:
        import ctypes
        import glob

        libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), 'numpy.libs')
        for path in glob.glob(os.path.join(libdir, '*openblas*.so*')):
            lib = ctypes.CDLL(path)
            for prefix in ('scipy_openblas_', 'openblas_'):
                for suffix in ('64_', ''):
                    core = getattr(lib, f'{prefix}get_corename{suffix}', None)
                    threads = getattr(lib, f'{prefix}get_num_threads{suffix}', None)
                    config = getattr(lib, f'{prefix}get_config{suffix}', None)
                    if core is None:
                        continue
                    core.restype = ctypes.c_char_p
                    out = {'source': 'ctypes', 'library': os.path.basename(path), 'kernel': core().decode()}
                    if threads is not None:
                        threads.restype = ctypes.c_int
                        out['threads'] = threads()
                    if config is not None:
                        config.restype = ctypes.c_char_p
                        out['config'] = config().decode().strip()
                    return out
    except Exception:
        pass
    try:
        cfg = np.show_config(mode='dicts')
        blas = cfg.get('Build Dependencies', {}).get('blas', {})
        return {'source': 'numpy.show_config', 'library': blas.get('name'), 'version': blas.get('version'),
                'kernel': blas.get('openblas configuration'), 'threads': os.environ.get('OPENBLAS_NUM_THREADS')}
    except Exception as e:  # pragma: no cover
        return {'source': 'none', 'error': str(e)}


def act(z, q):
    r = np.maximum(z, 0)
    return r if q == 1 else r * r if q == 2 else r ** q


def act_grad(z, q):
    if q == 1:
        return (z > 0).astype(np.float32)
    r = np.maximum(z, 0)
    return 2 * r if q == 2 else q * r ** (q - 1)


def softplus(x):
    return np.logaddexp(0, x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, required=True)
    ap.add_argument('--ntest', type=int, required=True)
    ap.add_argument('--d', type=int, required=True)
    ap.add_argument('--m', type=int, required=True)
    ap.add_argument('--seeds', type=int, default=8)
    ap.add_argument('--algos', default='gd,lngd')
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--eval-every', type=int, default=100)
    ap.add_argument('--q', type=float, default=2)
    ap.add_argument('--p', type=float, default=0.1)
    ap.add_argument('--A', type=float, default=2.0)
    ap.add_argument('--sigma-p', type=float, default=0.5)
    ap.add_argument('--sigma0', type=float, default=0.01)
    ap.add_argument('--eta', type=float, default=1.0)
    a = ap.parse_args()
    f32 = np.float32
    n, nt, d, m, S = a.n, a.ntest, a.d, a.m, a.seeds
    algos = a.algos.split(',')
    V = len(algos)
    q = int(a.q) if float(a.q).is_integer() else a.q
    mu = np.zeros(d, f32)
    mu[0] = a.A
    mu2 = f32(a.A * a.A)

    def noise(rng, count):
        x = rng.standard_normal((count, d), dtype=f32) * f32(a.sigma_p)
        x -= np.outer(x @ mu / mu2, mu)  # projected noise: orthogonal to mu
        return x

    # ---- data: one data set per seed, shared by the algorithms (same data and initialisation)
    t0 = time.perf_counter()
    ys, yts, xis, zetas, W0s = [], [], [], [], []
    for s in range(1, S + 1):
        rng = np.random.default_rng(s)
        ys.append(rng.choice(np.array([-1, 1], f32), n))
        xis.append(noise(rng, n))
        yts.append(rng.choice(np.array([-1, 1], f32), nt))
        zetas.append(noise(rng, nt))
        W0s.append(rng.standard_normal((2 * m, d), dtype=f32) * f32(a.sigma0))
    t_data = time.perf_counter()

    # ---- set-up: Gram matrices and initial inner products, stacked over seeds
    y = np.stack(ys)                                   # S x n
    yt = np.stack(yts)                                 # S x nt
    norms = np.stack([(x * x).sum(1) for x in xis])    # S x n
    G = np.stack([(x @ x.T) / nr[:, None] for x, nr in zip(xis, norms)])            # S x n x n
    Gt = np.stack([(x @ z.T) / nr[:, None] for x, z, nr in zip(xis, zetas, norms)])  # S x n x nt
    P0 = np.stack([np.tile(W @ x.T, (V, 1)) for W, x in zip(W0s, xis)])             # S x V2m x n
    P0t = np.stack([np.tile(W @ z.T, (V, 1)) for W, z in zip(W0s, zetas)])          # S x V2m x nt
    S0 = np.stack([np.tile(W @ mu, V) for W in W0s])                                # S x V2m
    del xis, zetas
    j = np.tile(np.concatenate([np.ones(m, f32), -np.ones(m, f32)]), V)             # V2m
    jm = (j / m).reshape(1, V, 2 * m, 1)
    lngd = np.array([al == 'lngd' for al in algos])
    noise_rng = np.random.default_rng([S, 7])
    eta = f32(a.eta)
    rho = np.zeros((S, V * 2 * m, n), f32)
    gamma = np.zeros((S, V * 2 * m), f32)
    t_setup = time.perf_counter()

    # Constants of the update, expanded once: eta ||xi_i||^2 j / (n m) (times q for q = 2's 2 relu).
    ypos = (y > 0)[:, None, :]                               # S x 1 x n
    ypos_t = (yt > 0)[:, None, :]
    coef_noise = (eta * norms[:, None, :] * (j[:, None] / (n * m))).astype(f32)    # S x V2m x n
    jm_row = (j / m).astype(f32)

    def forward(rho, gamma, P0, G, pos):
        """Network outputs f (S x V x cols) and what the update needs. Since y = +-1, the signal
        patch's activations take two values per filter: act(<w, mu>) for y = +1, act(-<w, mu>) for -1."""
        P = rho @ G                                           # one batched matmul: S x V2m x cols
        P += P0
        Pa = act(P, q)
        f = np.matmul(jm_row.reshape(1, V, 1, 2 * m), Pa.reshape(S, V, 2 * m, -1))[:, :, 0, :]
        Sv = S0 + j * gamma                                   # S x V2m
        Fp = (act(Sv, q) * jm_row).reshape(S, V, 2 * m).sum(-1)
        Fm = (act(-Sv, q) * jm_row).reshape(S, V, 2 * m).sum(-1)
        f += np.where(pos, Fp[:, :, None], Fm[:, :, None])
        return P, Sv, f

    evals = []
    for t in range(a.steps + 1):
        P, Sv, f = forward(rho, gamma, P0, G, ypos)
        lab = np.repeat(y[:, None, :], V, axis=1)             # S x V x n
        if lngd.any():
            flips = noise_rng.random((S, int(lngd.sum()), n)) < a.p
            lab[:, lngd] *= np.where(flips, f32(-1), f32(1))
        if t % a.eval_every == 0 or t == a.steps:
            _, _, ft = forward(rho, gamma, P0t, Gt, ypos_t)
            loss = softplus(-(y[:, None, :] * f)).mean(-1)
            err = (ft * yt[:, None, :] <= 0).mean(-1)
            evals.append({'step': t, 'trainLoss': loss.tolist(), 'testError': err.tolist()})
        if t == a.steps:
            break
        g = -lab / (1 + np.exp(lab * f))                       # l'(z) * label, S x V x n
        dP = act_grad(P, q).reshape(S, V, 2 * m, n)
        dP *= g[:, :, None, :]
        dP = dP.reshape(S, V * 2 * m, n)
        dP *= coef_noise
        rho -= dP
        gp = np.where(ypos, g, 0).sum(-1)                     # sum of g over y = +1, S x V
        gm = (g.sum(-1) - gp)
        signal_grad = (act_grad(Sv, q) * np.repeat(gp, 2 * m, axis=1) - act_grad(-Sv, q) * np.repeat(gm, 2 * m, axis=1)) / (n * m)
        gamma -= eta * mu2 * signal_grad
    t_train = time.perf_counter()
    final = evals[-1]
    out = {
        'runs': S * V, 'seeds': S, 'algos': algos, 'shape': {'n': n, 'nTest': nt, 'd': d, 'm': m, 'q': q},
        'steps': a.steps, 'evalEvery': a.eval_every,
        'seconds': {'import': T_IMPORTED - T_START, 'data': t_data - t0, 'setup': t_setup - t_data,
                    'train': t_train - t_setup, 'total': t_train - T_START},
        'msPerStep': 1000 * (t_train - t_setup) / max(1, a.steps),
        'numpy': np.__version__, 'python': sys.version.split()[0], 'blas': blas_info(),
        'finalTestError': {al: [final['testError'][s][v] for s in range(S)] for v, al in enumerate(algos)},
        'finalTrainLoss': {al: [final['trainLoss'][s][v] for s in range(S)] for v, al in enumerate(algos)},
    }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
