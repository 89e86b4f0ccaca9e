import { InfoCard } from '@backstage/core-components';
import { ButtonLink } from '@backstage/ui';
import Typography from '@material-ui/core/Typography';
import AddCircleOutline from '@material-ui/icons/AddCircleOutline';
import { LINKS } from '../links';
import { cardTitleProps } from './states';

/** The way into the golden path: a new service, in Python or TypeScript. */
export function CreateServiceCard() {
  return (
    <InfoCard title="Start something new" titleTypographyProps={cardTitleProps}>
      <Typography variant="body1" paragraph>
        The golden path generates a service repository, in Python or TypeScript,
        with its API, tests, CI, Kubernetes overlays, SLOs and runbooks, and
        registers it in the catalog.
      </Typography>
      <ButtonLink
        href={LINKS.createService}
        variant="primary"
        size="medium"
        iconStart={<AddCircleOutline aria-hidden />}
      >
        Create a service
      </ButtonLink>
    </InfoCard>
  );
}
