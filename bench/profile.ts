/**
 * `npm run bench -- --profile <dir>`: V8 CPU profiles of the local cloud's thread and of every function environment,
 * and a summary of where the CPU went. Open a `.cpuprofile` in Chrome DevTools (Performance) or speedscope for the
 * flame graph; the summary answers the first question, which packages and which threads.
 *
 * Function bundles are minified; their frames are mapped back to sources with the bundle's source map (Node's own
 * `SourceMap`), so the summary names `@aws-sdk/...`, `shared/...` rather than `index.mjs`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const MAIN_THREAD_PROFILE = 'local-cloud-main-thread.cpuprofile';

/** Profiles this thread (the local cloud's services) until the returned function writes the profile into `directory`. */
export async function profileMainThread(directory: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(path.join(directory, MAIN_THREAD_PROFILE), JSON.stringify(profile));
  };
}

export interface ProfileSummary {
  /** Non-idle CPU milliseconds per thread group: the local cloud's thread, or a function's environments. */
  readonly byThread: ReadonlyArray<readonly [string, number]>;
  /** Self CPU milliseconds per package or source folder, over every profile. */
  readonly byPackage: ReadonlyArray<readonly [string, number]>;
  readonly totalMs: number;
}

export function summarizeProfiles(directory: string): ProfileSummary {
  const byThread = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const sourceMaps = new Map<string, SourceMap | undefined>();
  let total = 0;
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as CpuProfile;
    const thread = file === MAIN_THREAD_PROFILE ? 'local cloud (main thread)' : file.split('-')[0];
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfMicros = new Map<number, number>();
    profile.samples.forEach((id, index) => {
      selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
    });
    for (const [id, micros] of selfMicros) {
      const frame = nodes.get(id)?.callFrame;
      if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
      const ms = micros / 1000;
      total += ms;
      byThread.set(thread ?? file, (byThread.get(thread ?? file) ?? 0) + ms);
      const owner = ownerOf(frame, sourceMaps);
      byPackage.set(owner, (byPackage.get(owner) ?? 0) + ms);
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { byThread: sorted(byThread), byPackage: sorted(byPackage), totalMs: total };
}

export function renderProfileSummary(summary: ProfileSummary, checkouts: number): string {
  const share = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  const perCheckout = (ms: number) => `${(ms / checkouts).toFixed(1).padStart(7)} ms/checkout`;
  const lines = [`CPU in the profiles: ${summary.totalMs.toFixed(0)} ms over ${checkouts} checkouts`, '', 'By thread:'];
  for (const [name, ms] of summary.byThread.slice(0, 15)) lines.push(`  ${share(ms)} ${perCheckout(ms)}  ${name}`);
  lines.push('', 'By package or source folder (self time):');
  for (const [name, ms] of summary.byPackage.slice(0, 20)) lines.push(`  ${share(ms)} ${perCheckout(ms)}  ${name}`);
  return lines.join('\n');
}

/** `@aws-sdk/client-dynamodb`, `shared/aws`, `node:internal/...`, or `(garbage collector)`. */
function ownerOf(frame: CallFrame, sourceMaps: Map<string, SourceMap | undefined>): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/')[0]}`;
  const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const source = file.endsWith('.mjs') ? originalSource(file, frame, sourceMaps) : file;
  return folderOf(source);
}

function originalSource(bundle: string, frame: CallFrame, sourceMaps: Map<string, SourceMap | undefined>): string {
  if (!sourceMaps.has(bundle)) {
    try {
      sourceMaps.set(bundle, new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8'))));
    } catch {
      sourceMaps.set(bundle, undefined);
    }
  }
  const entry = sourceMaps.get(bundle)?.findEntry(frame.lineNumber, frame.columnNumber);
  return entry && 'originalSource' in entry ? entry.originalSource : bundle;
}

function folderOf(source: string): string {
  const modules = source.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = source.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? source);
  }
  const relative = path.relative(process.cwd(), source.replace(/^file:\/\//, ''));
  const parts = relative.split(path.sep);
  return parts.length > 2 ? parts.slice(0, 2).join('/') : relative;
}
