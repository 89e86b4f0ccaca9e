import { Content } from '@backstage/core-components';
import { PageLayout } from '@backstage/frontend-plugin-api';
import { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import Grid from '@material-ui/core/Grid';
import HomeIcon from '@material-ui/icons/Home';
import { CreateServiceCard } from './components/CreateServiceCard';
import { FiringAlertsCard } from './components/FiringAlertsCard';
import { ReviewerShortcutsCard } from './components/ReviewerShortcutsCard';
import { StarredEntitiesCard } from './components/StarredEntitiesCard';
import { TeamServicesCard } from './components/TeamServicesCard';

/** The search plugin's home-page widget: its search bar, without a card. */
export const SEARCH_WIDGET = 'HomePageSearchBar';

/**
 * The Local-Plus home page: a fixed layout, not a customizable grid. Of the
 * widgets installed on the home page it shows only the search bar; the rest
 * of the page is its own cards, in the order people need them: the team's
 * services and what is firing, then where to start something and where
 * reviewers go.
 */
export function HomePage(props: HomePageLayoutProps) {
  const search = props.widgets.find(w => w.name === SEARCH_WIDGET);
  return (
    <PageLayout title="Home" icon={<HomeIcon fontSize="inherit" />}>
      <Content>
        <Grid container spacing={3} data-testid="home-page">
          {search && (
            <Grid item xs={12}>
              <section aria-label="Search the portal">
                {search.component}
              </section>
            </Grid>
          )}
          <Grid item xs={12} lg={8}>
            <Grid container spacing={3} direction="column">
              <Grid item>
                <TeamServicesCard />
              </Grid>
              <Grid item>
                <FiringAlertsCard />
              </Grid>
            </Grid>
          </Grid>
          <Grid item xs={12} lg={4}>
            <Grid container spacing={3} direction="column">
              <Grid item>
                <CreateServiceCard />
              </Grid>
              <Grid item>
                <ReviewerShortcutsCard />
              </Grid>
              <Grid item>
                <StarredEntitiesCard />
              </Grid>
            </Grid>
          </Grid>
        </Grid>
      </Content>
    </PageLayout>
  );
}
