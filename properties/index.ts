import type { Paper } from '../src/claims/paper';
import { paperA } from './A';
import { paperB } from './B';
import { paperC } from './C';

/**
 * The built-in papers: one folder each (properties/A, B, C: its claims, machinery, figures and review
 * procedures, declared once in its index.ts with definePaper) and one line each here, in report order.
 * The engine never imports this file: the entry points (src/cli/main.ts, src/index.ts) register it,
 * and workers load it by path. Adding a paper: its folder, and one more line below.
 */
export const PAPERS: readonly Paper[] = [
  paperA,
  paperB,
  paperC,
];

export { paperA, paperB, paperC };

/** This module's file: workers load it by path (src/engine/pool.ts). */
export const MODULE_FILE: string = __filename;
