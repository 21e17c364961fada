/**
 * One bot process of the load bench (`load.bench.ts` starts several: one
 * Node process saturates near 300 connections). Joins its students to the
 * rooms it is given, each join through the endpoint it is given (so joins go
 * through either server process), then, once told to, measures: the gaps
 * between state patches every student receives, disconnects, and knob
 * changes made now and then as a class would. Talks to the parent over IPC.
 */
import { Client, type Room } from 'colyseus.js';

export interface BotAssignment {
  code: string;
  /** ws://host:port of the process the join request goes to. */
  endpoint: string;
  name: string;
}

export type ParentMessage = { type: 'join'; students: BotAssignment[] } | { type: 'measure' } | { type: 'report' } | { type: 'stop' };

export type BotMessage =
  | { type: 'joined'; ok: number; failed: string[] }
  | { type: 'report'; clients: number; disconnects: number; retunes: number; gapHistogram: number[]; patches: number };

/** Gaps are counted in 1 ms buckets up to this; longer ones land in the last bucket. */
export const GAP_BUCKETS = 5000;

if (process.send) {
  const students: { room: Room; last: number; left: boolean }[] = [];
  const histogram = new Array<number>(GAP_BUCKETS + 1).fill(0);
  let measuring = false;
  let disconnects = 0;
  let retunes = 0;
  let patches = 0;
  let retuneTimer: ReturnType<typeof setInterval> | undefined;

  const send = (m: BotMessage) => process.send!(m);

  process.on('message', async (m: ParentMessage) => {
    if (m.type === 'join') {
      const failed: string[] = [];
      // A few joins at a time, as students arriving: a burst of 200 would only measure the matchmaker.
      for (let i = 0; i < m.students.length; i += 10) {
        await Promise.all(
          m.students.slice(i, i + 10).map(async (s) => {
            try {
              const room = await new Client(s.endpoint).joinById(s.code, { name: s.name });
              const entry = { room, last: 0, left: false };
              room.onStateChange(() => {
                const now = performance.now();
                if (measuring && entry.last > 0) {
                  histogram[Math.min(GAP_BUCKETS, Math.round(now - entry.last))]++;
                  patches++;
                }
                entry.last = now;
              });
              room.onLeave((code) => {
                entry.left = true;
                if (measuring && code !== 4000) disconnects++;
              });
              room.onMessage('*', () => undefined);
              students.push(entry);
            } catch (e) {
              failed.push(`${s.name}: ${(e as Error).message}`);
            }
          }),
        );
      }
      send({ type: 'joined', ok: students.length, failed });
    } else if (m.type === 'measure') {
      measuring = true;
      // About one knob change per student every 10 s, spread out.
      retuneTimer = setInterval(() => {
        const s = students[Math.floor(Math.random() * students.length)];
        if (!s || s.left) return;
        const lr = Number((0.005 + Math.random() * 0.05).toFixed(4));
        const optimizer = Math.random() < 0.5 ? { kind: 'adam', lr } : { kind: 'sgd', lr, momentum: 0.9 };
        s.room.send('setKnobs', { optimizer });
        retunes++;
      }, 10_000 / Math.max(1, students.length));
    } else if (m.type === 'report') {
      measuring = false;
      clearInterval(retuneTimer);
      send({ type: 'report', clients: students.length, disconnects, retunes, gapHistogram: histogram, patches });
    } else if (m.type === 'stop') {
      for (const s of students) s.room.connection.close();
      process.exit(0);
    }
  });
}
