/**
 * How long the local cloud takes to serve: booting from an up-to-date `cdk.out` (what `npm start` does most of the
 * time), and, once, synthesizing the stage from scratch first (what it does after a change to the app).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootLocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import { synthesizeApp } from '../../local-cloud/config.js';
import type { Figure } from '../figures.js';
import { mean } from '../stats.js';

export async function bootTimes(assemblyDirectory: string, boots: number, progress: Progress): Promise<Figure[]> {
  progress.start(`boot from cdk.out (${boots} boots)`);
  const times: number[] = [];
  for (let boot = 0; boot < boots; boot++) {
    times.push(await timedBoot(assemblyDirectory));
    progress.update(`${boot + 1}/${boots}`);
  }
  progress.done(`mean ${(mean(times) / 1000).toFixed(2)} s`);
  return [
    {
      id: 'boot.warm',
      section: 'Boot',
      label: `boot from an up-to-date cdk.out (mean of ${boots})`,
      value: mean(times) / 1000,
      unit: 's',
    },
  ];
}

/** Synthesizes the Local stage into a fresh directory, then boots it. */
export async function freshSynthBoot(progress: Progress): Promise<Figure[]> {
  const directory = mkdtempSync(join(tmpdir(), 'sagastack-bench-synth-'));
  const previous = process.env.LOCAL_CLOUD_CDK_OUT;
  progress.start('synthesize the Local stage from scratch, then boot');
  try {
    process.env.LOCAL_CLOUD_CDK_OUT = directory;
    const started = performance.now();
    await synthesizeApp(process.cwd());
    const synthMs = performance.now() - started;
    const bootMs = await timedBoot(directory);
    progress.done(`synth ${(synthMs / 1000).toFixed(1)} s, boot ${(bootMs / 1000).toFixed(2)} s`);
    return [
      {
        id: 'boot.synth',
        section: 'Boot',
        label: 'synthesize the Local stage from scratch',
        value: synthMs / 1000,
        unit: 's',
      },
      {
        id: 'boot.afterSynth',
        section: 'Boot',
        label: 'synthesize, then boot (npm start after a change)',
        value: (synthMs + bootMs) / 1000,
        unit: 's',
      },
    ];
  } finally {
    if (previous === undefined) delete process.env.LOCAL_CLOUD_CDK_OUT;
    else process.env.LOCAL_CLOUD_CDK_OUT = previous;
    rmSync(directory, { recursive: true, force: true });
  }
}

async function timedBoot(assemblyDirectory: string): Promise<number> {
  const started = performance.now();
  const cloud = await bootLocalCloud({ assemblyDirectory });
  const elapsed = performance.now() - started;
  await cloud.stop();
  return elapsed;
}
