/**
 * How racers are told apart: a colour from the Okabe–Ito palette (safe for
 * the common colour-vision deficiencies) *and* a shape, so that no racer is
 * identified by colour alone. Consecutive racers differ in both.
 */
export const RACER_COLOURS = [
  0xe69f00, // orange
  0x56b4e9, // sky blue
  0x009e73, // bluish green
  0xf0e442, // yellow
  0x0072b2, // blue
  0xd55e00, // vermillion
  0xcc79a7, // reddish purple
  0xffffff, // white
] as const;

export const RACER_COLOUR_NAMES = ['orange', 'sky blue', 'green', 'yellow', 'blue', 'vermillion', 'purple', 'white'] as const;

export const RACER_SHAPES = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross', 'hexagon', 'pentagon'] as const;
export type RacerShape = (typeof RACER_SHAPES)[number];

/** Unicode glyphs for the shapes, for the DOM leaderboard and legends. */
export const SHAPE_GLYPHS: Record<RacerShape, string> = {
  circle: '●',
  square: '■',
  triangle: '▲',
  diamond: '◆',
  star: '★',
  cross: '✚',
  hexagon: '⬢',
  pentagon: '⬟',
};

export interface RacerStyle {
  colour: number;
  colourName: string;
  /** CSS colour, e.g. `#e69f00`. */
  css: string;
  shape: RacerShape;
  glyph: string;
}

/**
 * Style for the racer in slot `index` (0-based join order). Colour cycles
 * every 8; the shape shifts by one on each colour cycle, so the first 64
 * racers all have distinct (colour, shape) pairs.
 */
export function racerStyle(index: number): RacerStyle {
  const i = Math.max(0, Math.floor(index));
  const c = i % RACER_COLOURS.length;
  const shape = RACER_SHAPES[(i + Math.floor(i / RACER_COLOURS.length)) % RACER_SHAPES.length];
  const colour = RACER_COLOURS[c];
  return { colour, colourName: RACER_COLOUR_NAMES[c], css: `#${colour.toString(16).padStart(6, '0')}`, shape, glyph: SHAPE_GLYPHS[shape] };
}

/** Outline of a shape as polygon vertices around (0, 0) with radius r (circle: none). */
export function shapeVertices(shape: RacerShape, r: number): number[] {
  const poly = (k: number, rot: number, radii: number[] = [r]) => {
    const pts: number[] = [];
    for (let i = 0; i < k; i++) {
      const a = rot + (2 * Math.PI * i) / k;
      const rr = radii[i % radii.length];
      pts.push(rr * Math.cos(a), rr * Math.sin(a));
    }
    return pts;
  };
  switch (shape) {
    case 'circle':
      return [];
    case 'square':
      return poly(4, Math.PI / 4, [r * 1.1]);
    case 'triangle':
      return poly(3, -Math.PI / 2, [r * 1.25]);
    case 'diamond':
      return poly(4, 0, [r * 1.25]);
    case 'star':
      return poly(10, -Math.PI / 2, [r * 1.35, r * 0.6]);
    case 'cross': {
      const a = r * 1.1,
        b = r * 0.38;
      return [-b, -a, b, -a, b, -b, a, -b, a, b, b, b, b, a, -b, a, -b, b, -a, b, -a, -b, -b, -b];
    }
    case 'hexagon':
      return poly(6, 0, [r * 1.1]);
    case 'pentagon':
      return poly(5, -Math.PI / 2, [r * 1.15]);
  }
}
