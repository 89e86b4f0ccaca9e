import { EmptyState, Link } from '@backstage/core-components';
import { SCORECARDS_DOCS_PATH } from '@internal/plugin-scorecards-common';
import { statusOf } from '@internal/frontend-helpers';
import { useCollectionMinutes } from '../useCollectionMinutes';

/** The backend answers 404 for a service that no collection has scored. */
export const isNotScored = (error: unknown) => statusOf(error) === 404;

/** A service without a scorecard yet: when it will have one, and the rules. */
export function NotScoredYet() {
  const minutes = useCollectionMinutes();
  return (
    <EmptyState
      missing="data"
      title="Not scored yet"
      description={`This service will be scored at the next collection (every ${minutes} minutes): its level and the checks it passes will show here then.`}
      action={
        <Link to={SCORECARDS_DOCS_PATH}>How the scorecard rules work</Link>
      }
    />
  );
}
