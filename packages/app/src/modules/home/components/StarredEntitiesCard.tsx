import { InfoCard } from '@backstage/core-components';
import {
  EntityRefLink,
  useStarredEntities,
} from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { cardTitleProps } from './states';

/**
 * The entities the user starred, as plain links. (Plugin-home's widget
 * nests its star button inside the row's link, which screen readers and
 * axe's nested-interactive rule refuse.)
 */
export function StarredEntitiesCard() {
  const { starredEntities } = useStarredEntities();
  const refs = [...starredEntities].sort();
  return (
    <InfoCard title="Starred entities" titleTypographyProps={cardTitleProps}>
      {refs.length === 0 ? (
        <Typography variant="body1">
          Nothing starred yet: the star beside an entity's name on its page
          keeps it here.
        </Typography>
      ) : (
        <List dense disablePadding>
          {refs.map(ref => (
            <ListItem key={ref} disableGutters>
              <ListItemText
                primary={<EntityRefLink entityRef={ref} disableTooltip />}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
