/**
 * How the game writes a number for people: 3 significant digits, an exponent
 * only when needed ("0.123", "1.23e6", "2.5e-4"). One function for the result
 * notes, the tables, the legend and the panels, so a value reads the same
 * wherever it is shown.
 *
 * @example
 *   formatNumber(0.123456) // '0.123'
 *   formatNumber(1234567)  // '1.23e6'
 *   formatNumber(-Infinity) // '−∞'
 */
export function formatNumber(x: number | null): string {
  if (x === null || Number.isNaN(x)) return String(x);
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e5 || ax < 1e-3) {
    const [m, e] = x.toExponential(2).split('e');
    return `${Number(m)}e${Number(e)}`;
  }
  return String(Number(x.toPrecision(3)));
}
