/**
 * Timing of bssEvalSources on 30 s × 2 sources at 22050 Hz (the thesis's evaluation size).
 * Run: node --import tsx training/eval/bench-bss-eval.ts   (or node dist/training/eval/bench-bss-eval.js)
 */
import { bssEvalSources } from './bss-eval.js';
import { add, mix, noise, onePole, seededRandom } from './eval-signals.js';

const n = 30 * 22050;
const r = seededRandom(9);
const a = noise(r, n, 0.3);
const b = onePole(noise(r, n, 0.3), 0.9);
const ests = [add(a, mix([b], [0.1])), add(b, noise(r, n, 0.05))];
for (const computePermutation of [false, true]) {
  const start = performance.now();
  bssEvalSources([a, b], ests, { computePermutation });
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`bss_eval_sources 30 s × 2 sources, permutation ${computePermutation ? 'on ' : 'off'}: ${seconds.toFixed(2)} s\n`);
}
