import { CollectionInfo } from '@internal/plugin-scorecards-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { CollectedAt } from '../CollectedAt';
import { absolute, duration, plural } from '../format';
import { useCollectionMinutes } from '../useCollectionMinutes';

/**
 * The latest collection in one line (when, how many services, how long),
 * and the sources that could not be read: the checks that need them are
 * Unknown, which does not pass, so a team needs to know why.
 */
export function CollectionStatus(props: { collection?: CollectionInfo }) {
  const { collection } = props;
  const minutes = useCollectionMinutes();
  if (!collection) {
    return (
      <Typography variant="body1">
        No collection yet: the portal collects every service's facts every{' '}
        {minutes} minutes, and the first run comes shortly after the backend
        starts.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body1" data-testid="scorecards-collection">
        <CollectedAt at={collection.at} prefix="Latest collection" /> (
        {absolute(collection.at)}) · {plural(collection.services, 'service')} ·
        took {duration(collection.durationMs)}
      </Typography>
      {collection.sourceProblems.length > 0 && (
        <Box mt={2}>
          <Alert severity="warning">
            <AlertTitle>
              Some sources could not be read: their checks are Unknown, and
              Unknown does not pass
            </AlertTitle>
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {collection.sourceProblems.map(p => (
                <li key={p.source}>
                  <strong>{p.source}</strong> ({plural(p.services, 'service')}
                  ): {p.example}
                </li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
    </>
  );
}
