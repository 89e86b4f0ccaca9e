import { InfoCard, Link } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { LINKS } from '../links';
import { cardTitleProps } from './states';

const SHORTCUTS = [
  {
    title: 'Policy reports by control',
    detail:
      'What the clusters report, by standard and control; evidence export',
    to: LINKS.policyReports,
  },
  {
    title: 'Compliance evidence',
    detail: 'GDPR, PCI-DSS and SOC2 controls, their policies and tests',
    to: LINKS.compliance.index,
  },
  {
    title: 'GDPR data retention policy',
    to: LINKS.compliance.gdprRetention,
  },
  {
    title: 'GDPR right to erasure',
    to: LINKS.compliance.gdprErasure,
  },
  {
    title: 'PCI-DSS cardholder data flow',
    to: LINKS.compliance.pciCardholderData,
  },
  {
    title: 'SOC2 access control policy',
    to: LINKS.compliance.soc2AccessControl,
  },
  {
    title: 'Kyverno policies',
    detail: 'The admission rules that enforce the controls',
    to: LINKS.compliance.kyvernoPolicies,
  },
  {
    title: 'Data ownership',
    detail: 'Every table and topic, its owner, personal and card data',
    to: LINKS.dataOwnership,
  },
];

/** Where compliance reviewers start: the evidence and who owns what data. */
export function ReviewerShortcutsCard() {
  return (
    <InfoCard title="For reviewers" titleTypographyProps={cardTitleProps}>
      <List dense disablePadding>
        {SHORTCUTS.map(s => (
          <ListItem key={s.to} disableGutters>
            <ListItemText
              primary={<Link to={s.to}>{s.title}</Link>}
              secondary={s.detail}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
