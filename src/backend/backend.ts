import * as tf from '@tensorflow/tfjs-core';

/**
 * Run-time choice of the tfjs backend: `tensorflow` (tfjs-node, an optional dependency) when it
 * installed, else `wasm` (SIMD, one thread per process), else `cpu`. CLAIMCHECK_BACKEND forces one.
 * Every output records the backend actually in use.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let ready: Promise<BackendName> | null = null;

function tryRequire(id: string): boolean {
  try {
    require(id);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow' && !tryRequire('@tensorflow/tfjs-node')) return false;
  if (name === 'wasm' && !tryRequire('@tensorflow/tfjs-backend-wasm')) return false;
  if (name === 'cpu' && !tryRequire('@tensorflow/tfjs-backend-cpu')) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** Initialise the backend once per process; returns its name. */
export function initBackend(preferred: string | undefined = process.env.CLAIMCHECK_BACKEND): Promise<BackendName> {
  if (!ready) {
    ready = (async () => {
      if (preferred && preferred !== 'auto') {
        if (!BACKENDS.includes(preferred as BackendName)) {
          throw new Error(`backend: unknown backend ${JSON.stringify(preferred)} (choose ${BACKENDS.join(', ')} or auto)`);
        }
        if (!(await activate(preferred as BackendName))) throw new Error(`backend: ${preferred} is not available here`);
        return preferred as BackendName;
      }
      for (const b of BACKENDS) if (await activate(b)) return b;
      throw new Error('backend: no tfjs backend could be initialised');
    })();
    // tfjs warns about missing tfjs-node on every process; the backend is reported in outputs instead.
    tf.env().set('IS_TEST', true);
  }
  return ready;
}
