import { z } from 'zod';
import { SpecFormat } from './SpecFormat';
import { name } from './shared';
import { slothSli, slothSlos, slothSpecSlos } from './sloth';

/** Sloth's Kubernetes resource: `sloth.slok.dev/v1` PrometheusServiceLevel. */
const schema = z.object({
  apiVersion: z.literal('sloth.slok.dev/v1'),
  kind: z.literal('PrometheusServiceLevel', {
    error: 'expected PrometheusServiceLevel',
  }),
  spec: z.object(
    {
      service: name,
      slos: slothSlos(slothSli('errorQuery', 'totalQuery', 'errorRatioQuery')),
    },
    { error: 'expected the service and its slos' },
  ),
});

export const slothV1: SpecFormat = {
  format: 'sloth.slok.dev/v1',
  versionField: 'apiVersion',
  parse: (docs, context) =>
    docs.flatMap(doc =>
      slothSpecSlos(context.check(schema, doc).spec, 'spec.slos', doc, context),
    ),
};
