/**
 * Deterministic JSON and content hashes.
 *
 * `canonicalJson` serializes like `JSON.stringify` (same number and string formatting, `toJSON`
 * honoured, `undefined` dropped from objects and written as `null` in arrays) but with object keys
 * sorted recursively, so equal values always give identical text and identical hashes.
 * It refuses what JSON.stringify would silently mangle: NaN/±Infinity (which become `null`),
 * non-plain objects such as Map/Set/class instances (which become `{}`), functions, symbols,
 * bigints and cycles.
 */
import { createHash } from 'node:crypto';

/** A JSON.stringify-style replacer: called with the property key ('' for the root) and value. */
export type Replacer = (key: string, value: unknown) => unknown;

/** Replacer that encodes non-finite numbers as the strings "NaN", "Infinity" and "-Infinity". */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Deterministic JSON text of `value` (keys sorted recursively, -0 written as 0). Throws on unsupported values. */
export function canonicalJson(value: unknown, replacer?: Replacer): string {
  const out = write(prepare(value, '', replacer), '$', replacer, new Set());
  if (out === undefined) throw new TypeError('canonicalJson: top-level value is not serializable (undefined)');
  return out;
}

/** Full sha256 hex digest of `canonicalJson(value)`. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Short (16 hex chars, 64 bits) stable hash of a parameter regime, for use in result keys. */
export function regimeHash(regime: unknown): string {
  return stableHash(regime).slice(0, 16);
}

/** Applies `toJSON` and the replacer to one value, as JSON.stringify does. */
function prepare(value: unknown, key: string, replacer: Replacer | undefined): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(key: string): unknown }).toJSON(key);
  }
  return replacer ? replacer(key, v) : v;
}

/** Serializes an already-prepared value; returns undefined for values JSON omits (undefined). */
function write(v: unknown, path: string, replacer: Replacer | undefined, ancestors: Set<object>): string | undefined {
  switch (typeof v) {
    case 'undefined':
      return undefined;
    case 'boolean':
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) {
        throw new TypeError(
          `canonicalJson: non-finite number ${v} at ${path}; encode it with encodeNonFinite (e.g. canonicalJson(x, encodeNonFinite))`,
        );
      }
      return Object.is(v, -0) ? '0' : JSON.stringify(v);
    case 'object':
      if (v === null) return 'null';
      break;
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof v} at ${path}`);
  }
  const obj = v as object;
  if (ancestors.has(obj)) throw new TypeError(`canonicalJson: circular reference at ${path}`);
  ancestors.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const items = obj.map((item, i) => write(prepare(item, String(i), replacer), `${path}[${i}]`, replacer, ancestors) ?? 'null');
    out = `[${items.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto?.constructor as { name?: string } | undefined)?.name ?? 'object';
      throw new TypeError(`canonicalJson: unsupported ${name} at ${path}; only plain objects and arrays are allowed`);
    }
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(record).sort()) {
      const text = write(prepare(record[k], k, replacer), `${path}.${k}`, replacer, ancestors);
      if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
    }
    out = `{${parts.join(',')}}`;
  }
  ancestors.delete(obj);
  return out;
}
