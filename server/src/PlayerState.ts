import { schema, type SchemaType } from '@colyseus/schema';

/**
 * One racer as every client sees it: only what is drawn or read on screen.
 * Field types are chosen for the wire: positions are uint16 over the room's
 * quantisation box (`quantize` in `@gradient-rally/shared`), loss is float32
 * (clamped to the float32 range by the room, never NaN), counters are uint32.
 * Unchanged fields cost nothing in a patch, so a racer at rest costs 0 bytes.
 */
export const PlayerState = schema(
  {
    name: { type: 'string', default: '' },
    connected: { type: 'boolean', default: true },
    slot: { type: 'uint8', default: 0 },
    optimizerKind: { type: 'string', default: '' },
    optimizerJson: { type: 'string', default: '' },
    qx: { type: 'uint16', default: 0 },
    qy: { type: 'uint16', default: 0 },
    loss: { type: 'float32', default: 0 },
    status: { type: 'uint8', default: 0 },
    gradientEvaluations: { type: 'uint32', default: 0 },
    score: { type: 'float32', default: 0 },
    rank: { type: 'uint8', default: 0 },
  },
  'PlayerState',
);
export type PlayerState = SchemaType<typeof PlayerState>;
