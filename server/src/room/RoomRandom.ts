import { randomBytes } from 'node:crypto';

/** The randomness a room uses, passed in so the room model runs deterministically in tests. */
export interface RoomRandom {
  /** An unguessable secret (host secret, player token): 24 base64url characters. */
  secret(): string;
  /** A fresh race seed. */
  seed(): number;
  /** A short tag that makes round ids unique. */
  tag(): string;
}

export const cryptoRoomRandom: RoomRandom = {
  secret: () => randomBytes(18).toString('base64url'),
  seed: () => randomBytes(4).readUInt32LE(0),
  tag: () => randomBytes(3).toString('hex'),
};
