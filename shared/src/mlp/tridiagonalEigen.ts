/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL algorithm
 * (EISPACK tql2, as in JAMA), tracking only a few chosen rows of the
 * eigenvector matrix. Lanczos needs just the first row (spectral-density
 * weights) and the last row (Ritz residuals), so this costs O(m²) instead of
 * the O(m³) of full eigenvectors.
 *
 * @param diag  α₀ … α_{m−1}
 * @param off   β₀ … β_{m−2} (off[i] couples i and i+1)
 * @param rows  indices of eigenvector-matrix rows to return
 * @returns values ascending; rowValues[r][i] = component `rows[r]` of eigenvector i
 */
export function tridiagonalEigen(
  diag: ArrayLike<number>,
  off: ArrayLike<number>,
  rows: readonly number[],
): { values: Float64Array; rowValues: Float64Array[] } {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = off[i];
  const V = rows.map((r) => {
    const row = new Float64Array(n);
    row[r] = 1;
    return row;
  });
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let guard = 0;
      do {
        if (++guard > 60) break; // QL converges in a few sweeps; never loop forever on NaN input
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (const row of V) {
            h = row[i + 1];
            row[i + 1] = s * row[i] + c * h;
            row[i] = c * row[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  return {
    values: Float64Array.from(order, (i) => d[i]),
    rowValues: V.map((row) => Float64Array.from(order, (i) => row[i])),
  };
}
