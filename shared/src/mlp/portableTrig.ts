/**
 * sin and cos from IEEE basic arithmetic only (+, −, ×, /, round), so they
 * give the same bits in every JavaScript engine. `Math.sin`/`Math.cos` are
 * not required to be correctly rounded, and engines differ in the last bit
 * (V8 ports fdlibm, JavaScriptCore calls the system libm): datasets built
 * with them could differ between the server and a Safari client.
 *
 * Method (fdlibm): Cody–Waite reduction by π/2 with a two-part constant, then
 * the fdlibm kernel polynomials on [−π/4, π/4]. Error ≲ 2 ulp for |x| ≤ 1e5,
 * far below anything a dataset can show.
 */

const PIO2_1 = 1.57079632673412561417; // first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // π/2 − PIO2_1
const INV_PIO2 = 6.36619772367581382433e-1;

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;

function kernelSin(r: number): number {
  const z = r * r;
  return r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
}

function kernelCos(r: number): number {
  const z = r * r;
  return 1 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
}

/** Quadrant k and remainder r with x = k·π/2 + r, |r| ≤ π/4 (up to rounding). */
function reduce(x: number): [number, number] {
  const k = Math.round(x * INV_PIO2);
  return [k, x - k * PIO2_1 - k * PIO2_1T];
}

export function portableSin(x: number): number {
  const [k, r] = reduce(x);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return kernelSin(r);
    case 1:
      return kernelCos(r);
    case 2:
      return -kernelSin(r);
    default:
      return -kernelCos(r);
  }
}

export function portableCos(x: number): number {
  const [k, r] = reduce(x);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return kernelCos(r);
    case 1:
      return -kernelSin(r);
    case 2:
      return -kernelCos(r);
    default:
      return kernelSin(r);
  }
}
