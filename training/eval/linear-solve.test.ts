import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factorise, solveDense } from './linear-solve.js';
import { seededRandom } from './eval-signals.js';

function matVec(a: Float64Array, x: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += a[i * n + j] * x[j];
  return y;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('a Gram matrix is solved by Cholesky to round-off, and reused for several right-hand sides', () => {
  const n = 40;
  const r = seededRandom(1);
  const m = Float64Array.from({ length: n * n }, () => r() - 0.5);
  const g = new Float64Array(n * n); // Mᵀ·M + I: symmetric positive definite
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
    g[i * n + j] = s;
  }
  const f = factorise(g, n);
  assert.equal(f.method, 'cholesky');
  for (let rep = 0; rep < 3; rep++) {
    const x = Float64Array.from({ length: n }, () => r() - 0.5);
    const b = matVec(g, x, n);
    const bCopy = Float64Array.from(b);
    assert.ok(maxAbsDiff(f.solve(b), x) < 1e-10);
    assert.deepEqual(b, bCopy, 'the right-hand side is not modified');
  }
});

test('indefinite and non-symmetric systems fall back to LU with partial pivoting', () => {
  // Zero leading pivot: needs the row swap.
  const a = Float64Array.from([0, 2, 1, 1, 1, 0, 3, 0, 1]);
  const x = Float64Array.from([1, -2, 3]);
  const f = factorise(a, 3);
  assert.equal(f.method, 'lu');
  assert.ok(maxAbsDiff(f.solve(matVec(a, x, 3)), x) < 1e-12);
  assert.ok(maxAbsDiff(solveDense(a, matVec(a, x, 3), 3, false), x) < 1e-12);
});

test('an exactly singular matrix gets a tiny ridge and still yields a consistent solution', () => {
  // Rank 1: [1 1; 1 1]. b = [2, 2] is in the range; any x with x0 + x1 = 2 is a solution.
  const f = factorise(Float64Array.from([1, 1, 1, 1]), 2);
  assert.equal(f.method, 'lu-ridge');
  const x = f.solve(Float64Array.from([2, 2]));
  assert.ok(Math.abs(x[0] + x[1] - 2) < 1e-6, `${x}`);
  assert.throws(() => factorise(new Float64Array(3), 2), RangeError);
});
