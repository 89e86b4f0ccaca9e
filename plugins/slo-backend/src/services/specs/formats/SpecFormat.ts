import { SloSpecFormat } from '@internal/plugin-slo-common';
import { z } from 'zod';
import { SpecSlo } from '../SloSpec';

/** One non-empty YAML document of a spec file. */
export interface SpecDocument {
  /** Its position in the file, counting empty documents: for messages. */
  index: number;
  value: unknown;
}

/** What a format's parser is given to check documents and report problems. */
export interface SpecContext {
  /** Throws the file's SloSpecError: `file: field: detail`. */
  fail: (field: string | undefined, detail: string) => never;
  /** The field, preceded by `document N: ` when the file holds several. */
  prefix: (index: number, field: string) => string;
  /** The document as the schema reads it; else fails with its first issue. */
  check: <T>(schema: z.ZodType<T>, doc: SpecDocument) => T;
}

/**
 * A format an SLO spec file may be written in. A file is in the format whose
 * `versionField` (in its first document) holds the format's name.
 */
export interface SpecFormat {
  format: SloSpecFormat;
  /** The top-level field that names the format, e.g. `apiVersion`. */
  versionField: string;
  /** The SLOs that all the documents of the file declare. */
  parse: (docs: SpecDocument[], context: SpecContext) => SpecSlo[];
}
