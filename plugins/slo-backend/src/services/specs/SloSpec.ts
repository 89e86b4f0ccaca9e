import { SloSpecFormat } from '@internal/plugin-slo-common';

/** Sloth's placeholder for the window a query is evaluated over. */
export const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;

/**
 * How an SLO's error ratio is measured, as PromQL templates where
 * `{{.window}}` stands for the window (5m … 30d).
 *  - events: errors and total events; the error ratio is errors / total.
 *  - ratio: the error ratio itself (Sloth's raw SLI, OpenSLO's raw metric).
 */
export type SpecSli =
  | { type: 'events'; errorQuery: string; totalQuery: string }
  | { type: 'ratio'; errorRatioQuery: string };

/** One SLO as a spec file declares it. */
export interface SpecSlo {
  service: string;
  slo: string;
  /** A ratio, e.g. 0.999. */
  objective: number;
  description?: string;
  /** The spec's own window (OpenSLO timeWindow); else the configured one. */
  windowDays?: number;
  sli: SpecSli;
  /** Where the SLI is in the file, for messages: e.g. `spec.slos[0].sli`. */
  field: string;
}

export interface ParsedSloSpec {
  format: SloSpecFormat;
  slos: SpecSlo[];
}

/** A spec that cannot be used; the message names the file and the field. */
export class SloSpecError extends Error {
  readonly name = 'SloSpecError';
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

/** A query template with the window filled in. */
export function withWindow(template: string, window: string): string {
  return template.replace(WINDOW_PLACEHOLDER, window);
}
