/** Time passing for real, for the node agent's work and heartbeats. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Timer } from '../ports/node-agent.js';

export const systemTimer: Timer = { sleep: async (ms) => void (await sleep(ms)) };
