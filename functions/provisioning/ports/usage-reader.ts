/** Usage per project and UTC hour (USAGE_TABLE_NAME), as the billing worker wrote it. Read-only here. */
import type { UsageLine } from '../../../shared/contracts/provisioning-api.js';

export interface UsagePeriodRecord {
  readonly projectId: string;
  readonly period: string;
  readonly lines: readonly UsageLine[];
  readonly totalMicros: number;
}

export interface UsageReader {
  /** Every period of the project, oldest first. */
  periodsOf(projectId: string): Promise<UsagePeriodRecord[]>;
}
