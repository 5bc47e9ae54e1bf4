/**
 * What an app plugs into `npm start`, from one file at its root, `local-cloud.config.ts`: the stage to run, the data
 * a developer needs in it, and how to use it. The local cloud itself knows nothing of the app it runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalCloud } from './boot.js';
import { ensureSynthesized, type SynthResult } from './synth.js';

const CONFIG_FILE = 'local-cloud.config.ts';

export interface LocalCloudConfig {
  /** Construct id of the stage to synthesize and run. @default 'Local' */
  readonly stage?: string;
  /** Variables the app reads at synth time, e.g. to build only that stage. @default none */
  readonly synthEnvironment?: Readonly<Record<string, string>>;
  /** Runs once the cloud is up and puts in what a developer needs; answers one line saying what it did. */
  readonly seed?: (cloud: LocalCloud) => Promise<string>;
  /** Printed under the endpoints once the cloud is up: how to use the app. */
  readonly instructions?: (cloud: LocalCloud) => string;
}

/** The app's configuration from `<root>/local-cloud.config.ts` (its default export); none when the file is absent. */
export async function loadLocalCloudConfig(root: string): Promise<LocalCloudConfig> {
  const file = join(root, CONFIG_FILE);
  if (!existsSync(file)) return {};
  const loaded = (await import(pathToFileURL(file).href)) as { default?: LocalCloudConfig };
  if (!loaded.default || typeof loaded.default !== 'object') {
    throw new Error(`${file} must export its configuration as default`);
  }
  return loaded.default;
}

/** Synthesizes the app at `root` as its configuration says (stage, synth variables), unless cdk.out is up to date. */
export async function synthesizeApp(
  root: string,
  log?: (line: string) => void,
): Promise<SynthResult & { config: LocalCloudConfig }> {
  const config = await loadLocalCloudConfig(root);
  const result = ensureSynthesized({ stage: config.stage, root, environment: config.synthEnvironment, log });
  return { ...result, config };
}
