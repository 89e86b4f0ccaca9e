import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { LoadError } from '@internal/frontend-helpers';
import { SloList, sloApiRef } from '../../api/SloClient';
import { NoSloYet } from '../NoSloYet';
import { SloProblems } from '../SloProblems';
import { SloSummaryTable } from '../SloSummaryTable';

/** The SLO summary of an entity, in its loading, error and empty states. */
export function SloSummary(props: {
  value?: SloList;
  loading: boolean;
  error?: Error;
  /** Loads again, offered beside an error. */
  retry?: () => void;
  showSource?: boolean;
}) {
  const { value, loading, error } = props;
  let content;
  if (loading) content = <Progress />;
  else if (error) content = <LoadError error={error} retry={props.retry} />;
  else if (!value || (value.slos.length === 0 && !value.specProblems.length)) {
    content = <NoSloYet />;
  } else {
    content = (
      <>
        <SloProblems specProblems={value.specProblems} errors={value.errors} />
        {value.slos.length > 0 && (
          <SloSummaryTable slos={value.slos} showSource={props.showSource} />
        )}
      </>
    );
  }
  return (
    <InfoCard title="SLOs" noPadding={Boolean(value && !loading && !error)}>
      {content}
    </InfoCard>
  );
}

/** The SLOs of the entity in view, on its overview: budget left, alert state. */
export function EntitySloCard() {
  const { entity } = useEntity();
  const api = useApi(sloApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntitySlos(getCompoundEntityRef(entity)),
    [api, entity],
  );
  return (
    <div data-testid="slo-card">
      <SloSummary value={value} loading={loading} error={error} retry={retry} />
    </div>
  );
}
