import { z } from 'zod';
import { SpecSli, SpecSlo } from '../SloSpec';
import { SpecContext, SpecDocument } from './SpecFormat';
import { name, percent, percentToRatio, windowQuery } from './shared';

// What Sloth's two formats share: the list of SLOs and their SLIs, with keys
// in camelCase (sloth.slok.dev/v1) or snake_case (prometheus/v1).

export function slothSli(errorKey: string, totalKey: string, ratioKey: string) {
  return z
    .object({
      events: z
        .object({ [errorKey]: windowQuery, [totalKey]: windowQuery })
        .optional(),
      raw: z.object({ [ratioKey]: windowQuery }).optional(),
      plugin: z.unknown().optional(),
    })
    .superRefine((sli, ctx) => {
      if (sli.plugin !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['plugin'],
          message: 'Sloth SLI plugins are not supported: use events or raw',
        });
      } else if (!sli.events === !sli.raw) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected exactly one of events or raw',
        });
      }
    })
    .transform((sli): SpecSli => {
      if (sli.events) {
        return {
          type: 'events',
          errorQuery: sli.events[errorKey] as string,
          totalQuery: sli.events[totalKey] as string,
        };
      }
      return { type: 'ratio', errorRatioQuery: sli.raw![ratioKey] as string };
    });
}

export function slothSlos(sli: ReturnType<typeof slothSli>) {
  return z
    .array(
      z.object({
        name,
        objective: percent,
        description: z.string().optional(),
        sli,
      }),
      { error: 'expected a list of SLOs' },
    )
    .min(1, { error: 'expected at least one SLO' });
}

/** A checked Sloth spec: its service and its SLOs. */
export interface SlothSpec {
  service: string;
  slos: z.infer<ReturnType<typeof slothSlos>>;
}

/** The SLOs of one document; `base` is the field of its list of SLOs. */
export function slothSpecSlos(
  spec: SlothSpec,
  base: string,
  doc: SpecDocument,
  { prefix }: SpecContext,
): SpecSlo[] {
  return spec.slos.map((s, i) => ({
    service: spec.service,
    slo: s.name,
    objective: percentToRatio(s.objective),
    description: s.description,
    sli: s.sli,
    field: prefix(doc.index, `${base}[${i}].sli`),
  }));
}
