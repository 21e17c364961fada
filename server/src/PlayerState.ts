import { schema, type SchemaType } from '@colyseus/schema';
import type { PlayerView } from '@gradient-rally/shared';

type NumberType = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64' | 'number';
type FieldOf<V> = V extends string
  ? { type: 'string'; default: V }
  : V extends boolean
    ? { type: 'boolean'; default: V }
    : V extends number
      ? { type: NumberType; default: V }
      : V extends ReadonlyMap<string, unknown>
        ? { map: unknown }
        : never;

/**
 * The schema field definitions a view type calls for: one field per property,
 * each of a wire type that carries it. `schema({...} satisfies SchemaFieldsOf<View>)`
 * fails to compile when the server's schema and `shared`'s view type disagree
 * (a field missing, extra, or of another kind).
 */
export type SchemaFieldsOf<T> = { [K in keyof T]-?: FieldOf<T[K]> };

/**
 * One racer as every client sees it (`PlayerView` in `@gradient-rally/shared`):
 * only what is drawn or read on screen. Field types are chosen for the wire:
 * positions are uint16 over the room's quantisation box (`quantize`), loss is
 * float32 (clamped to the float32 range by the mirror, never NaN), counters
 * are uint32. Unchanged fields cost nothing in a patch, so a racer at rest
 * costs 0 bytes.
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
  } satisfies SchemaFieldsOf<PlayerView>,
  'PlayerState',
);
export type PlayerState = SchemaType<typeof PlayerState>;
