import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DataFinding,
  OwnershipState,
} from '@internal/plugin-data-ownership-common';
import { Alert, Badge, Flex, VisuallyHidden } from '@backstage/ui';
import { ReactNode } from 'react';
import CreditCardIcon from '@material-ui/icons/CreditCard';
import FingerprintIcon from '@material-ui/icons/Fingerprint';

/** Bytes in binary units, as pg_size_pretty does. */
export function formatBytes(bytes?: number): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** pg_class.reltuples is an estimate: shown as one. */
export function formatRows(rows?: number): string {
  if (rows === undefined || Number.isNaN(rows)) return '—';
  return `~${rows.toLocaleString('en-US')}`;
}

export const numberAnnotation = (value?: string) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Personal and card data badges. */
export function DataFlags(props: { personal?: boolean; card?: boolean }) {
  if (!props.personal && !props.card) return <>—</>;
  return (
    <Flex gap="1" align="center">
      {props.personal && (
        <Badge size="small" icon={<FingerprintIcon fontSize="inherit" />}>
          Personal data
        </Badge>
      )}
      {props.card && (
        <Badge size="small" icon={<CreditCardIcon fontSize="inherit" />}>
          Card data
        </Badge>
      )}
    </Flex>
  );
}

/**
 * A status icon and its words. Only the icon of Backstage's Status*
 * components is used: they put aria-hidden on the whole label, which would
 * hide the words from screen readers.
 */
function StatusLabel(props: { icon: ReactNode; children: ReactNode }) {
  return (
    <span
      style={{
        display: 'inline-flex',
        alignItems: 'baseline',
        fontWeight: 500,
      }}
    >
      {props.icon}
      <span>{props.children}</span>
    </span>
  );
}

/** Owned, unowned or claimed twice, in words a reviewer reads at a glance. */
export function OwnershipStatus(props: { state?: OwnershipState }) {
  switch (props.state) {
    case 'owned':
      return <StatusLabel icon={<StatusOK />}>Owned</StatusLabel>;
    case 'unowned':
      return <StatusLabel icon={<StatusWarning />}>Unowned</StatusLabel>;
    case 'conflict':
      return (
        <StatusLabel icon={<StatusError />}>Conflicting owners</StatusLabel>
      );
    default:
      return <>—</>;
  }
}

/**
 * One finding in a line of text: its level told by the icon (and to screen
 * readers in words), its message in the text colour (the danger and warning
 * text colours are under 4.5:1 on the page).
 */
export function FindingLine(props: { finding: DataFinding }) {
  const { finding } = props;
  const error = finding.level === 'error';
  return (
    <StatusLabel icon={error ? <StatusError /> : <StatusWarning />}>
      <VisuallyHidden>{error ? 'Error: ' : 'Warning: '}</VisuallyHidden>
      <span>{finding.message}</span>
    </StatusLabel>
  );
}

/** A list of entity links, or a dash. */
export function RefList(props: { refs: string[]; defaultKind?: string }) {
  if (props.refs.length === 0) return <>—</>;
  return (
    <>
      {props.refs.map((ref, i) => (
        <span key={ref}>
          {i > 0 && ', '}
          <EntityRefLink
            entityRef={ref}
            defaultKind={props.defaultKind ?? 'component'}
          />
        </span>
      ))}
    </>
  );
}

/** The rule findings on an entity, errors first. */
export function FindingAlerts(props: { findings: DataFinding[] }) {
  if (props.findings.length === 0) return null;
  const sorted = [...props.findings].sort(
    (a, b) => Number(a.level === 'warning') - Number(b.level === 'warning'),
  );
  return (
    <Flex direction="column" gap="2" mb="3">
      {sorted.map(f => (
        <Alert
          key={`${f.rule}:${f.message}`}
          status={f.level === 'error' ? 'danger' : 'warning'}
          icon
          title={f.message}
        />
      ))}
    </Flex>
  );
}
