/**
 * Dense float64 solvers for the bss_eval Gram systems (symmetric, positive semi-definite,
 * size nbSources·512). A factorisation is kept so that one Gram matrix serves many right-hand
 * sides: bss_eval solves the same G once per estimate (and per permutation candidate).
 *
 * Strategy: Cholesky first (half the work of LU, and G is a Gram matrix). If a pivot is not
 * clearly positive (G numerically singular, e.g. a pure sine whose 512 delays span ~2 dimensions),
 * fall back to LU with partial pivoting like LAPACK's gesv, which numpy.linalg.solve (mir_eval) uses.
 * If LU meets an exact zero pivot (numpy would raise and mir_eval would call lstsq), a tiny ridge
 * (1e-12 · mean diagonal) is added and LU retried: the projection it gives differs from the
 * minimum-norm least-squares one only by that ridge.
 */

/** A factorised square matrix; `solve` returns x with A·x = b (b is not modified). */
export interface Factorisation {
  readonly n: number;
  readonly method: 'cholesky' | 'lu' | 'lu-ridge';
  solve(b: Float64Array): Float64Array;
}

/**
 * Factorises a dense n×n matrix given row-major in `a` (length n²). `a` is not modified.
 * @param symmetric true when `a` is symmetric (tries Cholesky first).
 */
export function factorise(a: Float64Array, n: number, symmetric = true): Factorisation {
  if (a.length !== n * n) throw new RangeError(`matrix has ${a.length} entries, expected ${n}×${n}`);
  if (symmetric) {
    const chol = cholesky(a, n);
    if (chol) return chol;
  }
  const lu = luDecompose(a, n, 'lu');
  if (lu) return lu;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(a[i * n + i]);
  const ridge = (trace > 0 ? trace / n : 1) * 1e-12;
  const b = Float64Array.from(a);
  for (let i = 0; i < n; i++) b[i * n + i] += ridge;
  const regularised = luDecompose(b, n, 'lu-ridge');
  if (!regularised) throw new Error('linear system is singular even after regularisation');
  return regularised;
}

/** Solves A·x = b once (convenience for tests and one-off systems). */
export function solveDense(a: Float64Array, b: Float64Array, n: number, symmetric = true): Float64Array {
  return factorise(a, n, symmetric).solve(b);
}

// Row-oriented Cholesky: L[i][j] = (A[i][j] − L[i][0:j]·L[j][0:j]) / L[j][j]. Both dot operands are
// contiguous rows, which keeps the O(n³/6) inner loop cache-friendly.
function cholesky(a: Float64Array, n: number): Factorisation | null {
  const l = new Float64Array(n * n);
  // Relative pivot floor: below it the Gram matrix is singular to working precision, and
  // Cholesky's answer would be noise where LU with pivoting stays closer to numpy's.
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]);
  const floor = maxDiag * 1e-13;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > floor)) return null;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
  }
  return {
    n,
    method: 'cholesky',
    solve(b: Float64Array): Float64Array {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        let s = b[i];
        for (let k = 0; k < i; k++) s -= l[ri + k] * y[k];
        y[i] = s / l[ri + i];
      }
      // Back substitution with Lᵀ, done column-wise so L is still read by rows.
      const x = y;
      for (let i = n - 1; i >= 0; i--) {
        const ri = i * n;
        x[i] /= l[ri + i];
        const xi = x[i];
        for (let k = 0; k < i; k++) x[k] -= l[ri + k] * xi;
      }
      return x;
    },
  };
}

// Doolittle LU with partial (row) pivoting, in place on a copy. Returns null on an exact zero pivot.
function luDecompose(a: Float64Array, n: number, method: 'lu' | 'lu-ridge'): Factorisation | null {
  const m = Float64Array.from(a);
  const piv = new Int32Array(n);
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0 || !Number.isFinite(best)) return null;
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = m[rk + j];
        m[rk + j] = m[rp + j];
        m[rp + j] = t;
      }
      const t = piv[k];
      piv[k] = piv[p];
      piv[p] = t;
    }
    const rk = k * n;
    const pivot = m[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = m[ri + k] / pivot;
      if (f === 0) continue;
      m[ri + k] = f;
      for (let j = k + 1; j < n; j++) m[ri + j] -= f * m[rk + j];
    }
  }
  return {
    n,
    method,
    solve(b: Float64Array): Float64Array {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        let s = b[piv[i]];
        for (let k = 0; k < i; k++) s -= m[ri + k] * x[k];
        x[i] = s;
      }
      for (let i = n - 1; i >= 0; i--) {
        const ri = i * n;
        let s = x[i];
        for (let k = i + 1; k < n; k++) s -= m[ri + k] * x[k];
        x[i] = s / m[ri + i];
      }
      return x;
    },
  };
}
