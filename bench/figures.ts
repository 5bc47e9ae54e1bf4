/**
 * What `npm run bench` reports: figures, each with its unit and, where the project set one, its goal. A goal is
 * never asserted anywhere: the bench prints whether it is met, and `--json` keeps the figures for comparison.
 */
export interface Goal {
  readonly comparison: 'at-most' | 'at-least';
  readonly value: number;
}

export interface Figure {
  /** Stable key for `--json` files, e.g. `checkout.poll.c10.throughput`. */
  readonly id: string;
  readonly section: string;
  readonly label: string;
  /** NaN when the figure could not be measured (the reason is in `note`). */
  readonly value: number;
  readonly unit: string;
  readonly goal?: Goal;
  readonly note?: string;
}

export const atMost = (value: number): Goal => ({ comparison: 'at-most', value });
export const atLeast = (value: number): Goal => ({ comparison: 'at-least', value });

function meets(figure: Figure): boolean | undefined {
  if (!figure.goal) return undefined;
  if (Number.isNaN(figure.value)) return false;
  return figure.goal.comparison === 'at-most' ? figure.value <= figure.goal.value : figure.value >= figure.goal.value;
}

function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'n/a';
  const magnitude = Math.abs(value);
  const number =
    magnitude === 0
      ? '0'
      : magnitude >= 100
        ? value.toFixed(0)
        : magnitude >= 10
          ? value.toFixed(1)
          : magnitude >= 1
            ? value.toFixed(2)
            : // Small figures (dollars per checkout) keep three significant digits.
              value.toPrecision(3);
  if (unit === '$') return `$${number}`;
  return unit === '' ? number : `${number} ${unit}`;
}

function formatGoal(goal: Goal | undefined, unit: string): string {
  if (!goal) return '';
  return `${goal.comparison === 'at-most' ? '≤' : '≥'} ${formatValue(goal.value, unit)}`;
}

/** One table per section: label, value, goal, and whether it is met. */
export function renderFigures(figures: readonly Figure[]): string {
  const lines: string[] = [];
  let section: string | undefined;
  const labelWidth = Math.max(...figures.map((figure) => figure.label.length));
  for (const figure of figures) {
    if (figure.section !== section) {
      section = figure.section;
      lines.push('', section);
    }
    const met = meets(figure);
    const verdict = met === undefined ? '' : met ? 'met' : 'NOT MET';
    lines.push(
      [
        `  ${figure.label.padEnd(labelWidth)}`,
        formatValue(figure.value, figure.unit).padStart(14),
        formatGoal(figure.goal, figure.unit).padStart(16),
        verdict.padStart(8),
        figure.note ? `  ${figure.note}` : '',
      ].join(' '),
    );
  }
  return lines.join('\n');
}

/** Two runs side by side: the figures of `before` that `after` also has, with the change. */
export function renderComparison(before: readonly Figure[], after: readonly Figure[]): string {
  const earlier = new Map(before.map((figure) => [figure.id, figure]));
  const labelWidth = Math.max(...after.map((figure) => figure.label.length));
  const lines = ['', `${'figure'.padEnd(labelWidth + 2)}        before          after     change`];
  for (const figure of after) {
    const old = earlier.get(figure.id);
    if (!old) continue;
    const change =
      Number.isNaN(old.value) || Number.isNaN(figure.value) || old.value === 0
        ? ''
        : `${(((figure.value - old.value) / Math.abs(old.value)) * 100).toFixed(0)}%`;
    lines.push(
      `  ${figure.label.padEnd(labelWidth)} ${formatValue(old.value, old.unit).padStart(14)} ${formatValue(figure.value, figure.unit).padStart(14)} ${change.padStart(10)}`,
    );
  }
  return lines.join('\n');
}
