import { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { SloBudgetSeries } from '@internal/plugin-slo-common';
import { SloReader } from './SloReader';
import { SloService } from './SloService';
import { SpecEvaluator } from './SpecEvaluator';
import { SloSpecLoader } from './specs/SloSpecLoader';

const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    annotations: { 'local-plus.io/slo-spec': 'slo/sloth.yaml' },
  },
  spec: {},
};

const series = (slo: string): SloBudgetSeries => ({
  service: 'svc-ledger',
  slo,
  objective: 0.999,
  windowDays: 30,
  weighting: 'events',
  points: [],
});

/**
 * The two sources of a service's SLOs, one of them down: what the other
 * answered is shown, and the outage is said, on the board and on the SLO
 * tab's history alike.
 */
describe('SloService with one source down', () => {
  const down = new ServiceUnavailableError(
    'Prometheus prod could not be reached',
  );
  const loader = {
    load: jest.fn().mockResolvedValue({
      file: 'slo/sloth.yaml',
      format: 'sloth',
      slos: [
        {
          service: 'svc-ledger',
          slo: 'availability',
          objective: 0.999,
          sli: { type: 'ratio', errorRatioQuery: 'x' },
          field: 'slos[0].sli',
        },
      ],
    }),
  } as unknown as SloSpecLoader;
  const readerDown = () =>
    ({
      read: jest.fn().mockRejectedValue(down),
      history: jest.fn().mockRejectedValue(down),
    } as unknown as SloReader);

  it('keeps the evaluated specs and reports the recording rules as unreachable', async () => {
    const service = new SloService({
      loader,
      reader: readerDown(),
      evaluator: {
        evaluate: jest.fn().mockResolvedValue({
          results: [],
          errors: [],
          problems: [],
          queries: 1,
        }),
        history: jest.fn().mockResolvedValue({
          results: [series('availability')],
          errors: [],
          problems: [],
          queries: 1,
        }),
      } as unknown as SpecEvaluator,
    });

    const history = await service.history(ledger);
    expect(history.series.map(s => s.slo)).toEqual(['availability']);
    expect(history.errors).toEqual([
      { server: 'prometheus', message: down.message },
    ]);

    const list = await service.forEntities([ledger]);
    expect(list.errors).toEqual([
      { server: 'prometheus', message: down.message },
    ]);
  });

  it('keeps the recorded SLOs the specs do not declare when the specs cannot be evaluated', async () => {
    const service = new SloService({
      loader,
      reader: {
        read: jest.fn(),
        history: jest.fn().mockResolvedValue({
          series: [series('availability'), series('latency')],
          errors: [],
          queries: 2,
        }),
      } as unknown as SloReader,
      evaluator: {
        evaluate: jest.fn(),
        history: jest.fn().mockRejectedValue(down),
      } as unknown as SpecEvaluator,
    });
    const history = await service.history(ledger);
    // availability is declared by the spec, which could not be evaluated:
    // the recorded one does not stand in for it.
    expect(history.series.map(s => s.slo)).toEqual(['latency']);
    expect(history.errors).toEqual([
      { server: 'prometheus', message: down.message },
    ]);
    expect(history.queries).toBe(2);
  });

  it('fails as a whole when both are down', async () => {
    const service = new SloService({
      loader,
      reader: readerDown(),
      evaluator: {
        evaluate: jest.fn().mockRejectedValue(down),
        history: jest.fn().mockRejectedValue(down),
      } as unknown as SpecEvaluator,
    });
    await expect(service.history(ledger)).rejects.toBe(down);
    await expect(service.forEntities([ledger])).rejects.toBe(down);
  });
});
