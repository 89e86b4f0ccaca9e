import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { sloApiRef } from '../../api/SloClient';
import { BudgetHistoryCard } from '../BudgetHistoryCard';
import { BurnRatesCard } from '../BurnRatesCard';
import { SloSummary } from '../EntitySloCard';
import { SloLinksCard } from '../SloLinksCard';

/**
 * The SLO tab of a service: its SLOs with budget left and alert state, the
 * budget spent over the window, burn rates per window, and where to go
 * next (runbooks, dashboards). Each card loads and fails on its own.
 */
export function EntitySloContent() {
  const { entity } = useEntity();
  const api = useApi(sloApiRef);
  const slos = useAsyncRetry(
    () => api.getEntitySlos(getCompoundEntityRef(entity)),
    [api, entity],
  );
  const withSlos = Boolean(slos.value?.slos.length);
  return (
    <Grid container spacing={3} data-testid="slo-tab">
      <Grid item xs={12}>
        <SloSummary
          value={slos.value}
          loading={slos.loading}
          error={slos.error}
          retry={slos.retry}
          showSource
        />
      </Grid>
      {(withSlos || slos.error) && (
        <Grid item xs={12} md={8}>
          <BudgetHistoryCard />
        </Grid>
      )}
      <Grid item xs={12} md={withSlos || slos.error ? 4 : 12}>
        <SloLinksCard />
      </Grid>
      {withSlos && (
        <Grid item xs={12}>
          <BurnRatesCard slos={slos.value!.slos} />
        </Grid>
      )}
    </Grid>
  );
}
