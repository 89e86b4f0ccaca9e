import { openSloV1 } from './openSloV1';
import { prometheusV1 } from './prometheusV1';
import { slothV1 } from './slothV1';
import { SpecFormat } from './SpecFormat';

export type { SpecContext, SpecDocument, SpecFormat } from './SpecFormat';

/**
 * The formats an SLO spec file may be written in; the first whose version
 * field matches the file's first document reads the file.
 *
 * To add a format: add its name to SloSpecFormat in
 * @internal/plugin-slo-common, write a module here that exports a
 * SpecFormat (its schemas, and a parse that turns the file's documents into
 * SpecSlos, failing through the context so that messages name the field;
 * shared.ts has the common schemas), and add it to this list. The message
 * for a file in no known format lists the formats from here.
 */
export const SPEC_FORMATS: readonly SpecFormat[] = [
  slothV1,
  prometheusV1,
  openSloV1,
];
