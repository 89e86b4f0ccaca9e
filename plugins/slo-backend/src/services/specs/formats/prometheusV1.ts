import { z } from 'zod';
import { SpecFormat } from './SpecFormat';
import { name } from './shared';
import { slothSli, slothSlos, slothSpecSlos } from './sloth';

/** Sloth's older format: `version: prometheus/v1`, snake_case keys. */
const schema = z.object({
  version: z.literal('prometheus/v1'),
  service: name,
  slos: slothSlos(slothSli('error_query', 'total_query', 'error_ratio_query')),
});

export const prometheusV1: SpecFormat = {
  format: 'prometheus/v1',
  versionField: 'version',
  parse: (docs, context) =>
    docs.flatMap(doc =>
      slothSpecSlos(context.check(schema, doc), 'slos', doc, context),
    ),
};
