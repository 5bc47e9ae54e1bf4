/** Copies of the app's cloud assembly with one template edited: what a change to a stack would synthesize. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** A copy of the assembly (templates copied, bundles linked) with the template of `stack` changed by `change`. */
export function withChangedTemplate(source: string, stack: string, change: (resources: Resources) => void): string {
  const target = mkdtempSync(join(tmpdir(), 'iam-assembly-'));
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('asset.')) symlinkSync(join(source, entry), join(target, entry));
    else cpSync(join(source, entry), join(target, entry), { recursive: true });
  }
  const stage = join(target, 'assembly-Local');
  const template = readdirSync(stage).find((file) => new RegExp(`^Local${stack}.*\\.template\\.json$`).test(file));
  if (!template) throw new Error(`No ${stack} template in the assembly`);
  const file = join(stage, template);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Resources };
  change(parsed.Resources);
  writeFileSync(file, JSON.stringify(parsed));
  return target;
}
