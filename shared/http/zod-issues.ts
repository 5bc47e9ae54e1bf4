import type { z } from 'zod';
import type { FieldIssue } from '../errors.js';

/** Turns zod's issues into the envelope's field details: `[{ path: 'shippingAddress.country', message }]`. */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part.length > 0).join('.');
    return { path, message: issue.message };
  });
}
