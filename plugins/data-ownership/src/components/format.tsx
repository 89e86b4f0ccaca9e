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
import { Alert, Badge, Flex } from '@backstage/ui';
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

/** Owned, unowned or claimed twice, in words a reviewer reads at a glance. */
export function OwnershipStatus(props: { state?: OwnershipState }) {
  switch (props.state) {
    case 'owned':
      return <StatusOK>Owned</StatusOK>;
    case 'unowned':
      return <StatusWarning>Unowned</StatusWarning>;
    case 'conflict':
      return <StatusError>Conflicting owners</StatusError>;
    default:
      return <>—</>;
  }
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
