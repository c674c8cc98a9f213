import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * A tiny Chrome DevTools Protocol client over `--remote-debugging-pipe` (messages are JSON separated
 * by NUL bytes on fds 3 (to the browser) and 4 (from it)), enough to open a page headlessly, wait for
 * it, evaluate expressions, collect console errors and take a screenshot. No download, no network:
 * it drives the system's chromium (Debian's `chromium` package).
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The chromium binary to use (CHROMIUM env var, else the usual places), or null when there is none. */
export function findChromium(): string | null {
  const env = process.env.CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export interface PageProblems {
  /** console.error calls and uncaught exceptions, as text */
  errors: string[];
  /** requests that did not start with file: or data: (the report must load nothing from the network) */
  network: string[];
}

export class Browser {
  private next = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((m: CdpMessage) => void)[] = [];
  private readonly profile: string;
  private session = '';
  readonly problems: PageProblems = { errors: [], network: [] };

  private constructor(private readonly proc: ChildProcess, profile: string) {
    this.profile = profile;
    const out = proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, at)) as CdpMessage;
        this.buffer = this.buffer.slice(at + 1);
        this.dispatch(msg);
      }
    });
  }

  /** Starts headless chromium with a fresh profile, a window `width` x `height` and no network access beyond file:. */
  static async launch(binary: string, width = 1400, height = 1000): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'claimcheck-chromium-'));
    const proc = spawn(binary, [
      '--headless=new', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      '--disable-extensions', '--disable-background-networking', '--disable-sync', '--mute-audio', '--hide-scrollbars',
      `--user-data-dir=${profile}`, `--window-size=${width},${height}`, 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const b = new Browser(proc, profile);
    const targets = (await b.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
    const page = targets.targetInfos.find((t) => t.type === 'page');
    const targetId = page ? page.targetId : ((await b.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string }).targetId;
    b.session = ((await b.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }).sessionId;
    await b.send('Runtime.enable', {}, b.session);
    await b.send('Page.enable', {}, b.session);
    await b.send('Network.enable', {}, b.session);
    await b.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, b.session);
    b.listeners.push((m) => {
      if (m.sessionId !== b.session) return;
      if (m.method === 'Runtime.consoleAPICalled' && m.params?.type === 'error') {
        b.problems.errors.push(((m.params.args as { value?: unknown; description?: string }[]) ?? []).map((a) => String(a.value ?? a.description ?? '')).join(' '));
      }
      if (m.method === 'Runtime.exceptionThrown') {
        const d = m.params?.exceptionDetails as { text?: string; exception?: { description?: string } };
        b.problems.errors.push(`${d?.text ?? 'exception'} ${d?.exception?.description ?? ''}`.trim());
      }
      if (m.method === 'Network.requestWillBeSent') {
        const url = String((m.params?.request as { url?: string })?.url ?? '');
        if (!/^(file|data|about|blob):/.test(url)) b.problems.network.push(url);
      }
    });
    return b;
  }

  private dispatch(msg: CdpMessage): void {
    if (msg.id !== undefined && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result ?? {});
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.proc.stdio[3] as Writable).write(`${msg}\0`);
    });
  }

  /** Opens `url` and resolves when its load event has fired. */
  async open(url: string, timeoutMs = 30000): Promise<void> {
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url}: no load event within ${timeoutMs} ms`)), timeoutMs);
      this.listeners.push((m) => {
        if (m.sessionId === this.session && m.method === 'Page.loadEventFired') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await this.send('Page.navigate', { url }, this.session);
    await loaded;
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.session)) as {
      result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`${r.exceptionDetails.text} ${r.exceptionDetails.exception?.description ?? ''}`);
    return r.result.value as T;
  }

  /** Waits until `expression` is truthy in the page (polling), or throws after `timeoutMs`. */
  async waitFor(expression: string, timeoutMs = 30000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Moves the mouse to (x, y) in CSS pixels of the viewport (hover: tooltips). */
  async mouseMove(x: number, y: number): Promise<void> {
    await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y }, this.session);
  }

  /** A PNG screenshot of the viewport (or of the whole page with `fullPage`). */
  async screenshot(fullPage = false): Promise<Buffer> {
    const r = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: fullPage }, this.session)) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => (this.proc.exitCode !== null ? r(null) : this.proc.once('exit', r)));
    try {
      await Promise.race([this.send('Browser.close').then(() => exited), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // already gone
    }
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    // the browser may still be flushing its profile as it exits
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
