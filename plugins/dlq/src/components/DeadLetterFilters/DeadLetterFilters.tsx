import { FormEvent, useEffect, useState } from 'react';
import { DeadLetterFilter } from '@internal/plugin-dlq-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';

/** Ages a user picks from, as the API's minutes. */
const AGES: Record<
  string,
  Pick<DeadLetterFilter, 'minAgeMinutes' | 'maxAgeMinutes'>
> = {
  any: {},
  'newer-1h': { maxAgeMinutes: 60 },
  'newer-1d': { maxAgeMinutes: 1440 },
  'older-1h': { minAgeMinutes: 60 },
  'older-1d': { minAgeMinutes: 1440 },
  'older-6d': { minAgeMinutes: 6 * 1440 },
};
const AGE_LABELS: Record<string, string> = {
  any: 'Any age',
  'newer-1h': 'Last hour',
  'newer-1d': 'Last day',
  'older-1h': 'Older than 1 hour',
  'older-1d': 'Older than 1 day',
  'older-6d': 'Older than 6 days (purged soon)',
};

/** The free-text filters, as the API names them. */
const TEXT_FILTERS: Array<{
  field: 'actor' | 'errorType' | 'text';
  id: string;
  label: string;
  placeholder: string;
}> = [
  {
    field: 'actor',
    id: 'dlq-filter-actor',
    label: 'Actor',
    placeholder: 'ledger.rollback_transaction',
  },
  {
    field: 'errorType',
    id: 'dlq-filter-error-type',
    label: 'Error type',
    placeholder: 'psycopg.OperationalError',
  },
  {
    field: 'text',
    id: 'dlq-filter-text',
    label: 'Text in the error',
    placeholder: 'timeout',
  },
];

function ageOf(filter: DeadLetterFilter): string {
  return (
    Object.entries(AGES).find(
      ([, a]) =>
        a.minAgeMinutes === filter.minAgeMinutes &&
        a.maxAgeMinutes === filter.maxAgeMinutes,
    )?.[0] ?? 'any'
  );
}

/**
 * Queue, actor, error type, text in the error and age. Applied on submit
 * (Enter or the button), so typing does not ask the backend at each key.
 */
export function DeadLetterFilters(props: {
  queues: string[];
  value: DeadLetterFilter;
  onChange: (filter: DeadLetterFilter) => void;
}) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const set = (field: keyof DeadLetterFilter) => (value: string) =>
    setDraft(d => ({ ...d, [field]: value.trim() === '' ? undefined : value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onChange(draft);
  };

  return (
    <Box
      component="form"
      onSubmit={submit}
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      gridGap={16}
      mb={2}
      aria-label="Filter dead letters"
    >
      <TextField
        select
        id="dlq-filter-queue"
        label="Queue"
        value={draft.queue ?? ''}
        onChange={e => set('queue')(e.target.value)}
        style={{ minWidth: 130 }}
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
      >
        <MenuItem value="">All queues</MenuItem>
        {props.queues.map(q => (
          <MenuItem key={q} value={q}>
            {q}
          </MenuItem>
        ))}
      </TextField>
      {TEXT_FILTERS.map(f => (
        <TextField
          key={f.field}
          id={f.id}
          label={f.label}
          placeholder={f.placeholder}
          value={draft[f.field] ?? ''}
          onChange={e => set(f.field)(e.target.value)}
          InputLabelProps={{ shrink: true }}
        />
      ))}
      <TextField
        select
        id="dlq-filter-age"
        label="Dead-lettered"
        value={ageOf(draft)}
        onChange={e =>
          setDraft(d => ({
            ...d,
            minAgeMinutes: undefined,
            maxAgeMinutes: undefined,
            ...AGES[e.target.value],
          }))
        }
        style={{ minWidth: 200 }}
      >
        {Object.keys(AGES).map(k => (
          <MenuItem key={k} value={k}>
            {AGE_LABELS[k]}
          </MenuItem>
        ))}
      </TextField>
      <Button type="submit" variant="contained" color="primary">
        Apply filters
      </Button>
      <Button
        onClick={() => {
          setDraft({});
          props.onChange({});
        }}
      >
        Clear
      </Button>
    </Box>
  );
}
