import ListItemIcon from '@material-ui/core/ListItemIcon';
import MenuItem from '@material-ui/core/MenuItem';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import CheckIcon from '@material-ui/icons/Check';

const useStyles = makeStyles(theme => ({
  // On the card, the secondary text colour is barely 4.5:1; the primary
  // one is well above.
  label: { '&&': { color: theme.palette.text.primary } },
  check: { minWidth: theme.spacing(4) },
}));

export type FilterOption = { value: string; label: string };

type Common = {
  id: string;
  label: string;
  options: FilterOption[];
  /** What no choice means: "All standards", "Any severity". */
  anyLabel: string;
  disabled?: boolean;
};

/**
 * A labelled select for one filter; with `multiple`, several values (a
 * check mark, not a nested checkbox, marks the chosen ones).
 */
export function FilterSelect(
  props: Common &
    (
      | { multiple?: false; value?: string; onChange: (v?: string) => void }
      | { multiple: true; value?: string[]; onChange: (v: string[]) => void }
    ),
) {
  const { id, label, options, anyLabel, disabled } = props;
  const classes = useStyles();
  const labelOf = (v: string) => options.find(o => o.value === v)?.label ?? v;
  // A value the menu does not list (from a shared link) is still shown.
  const chosen = props.multiple ? props.value ?? [] : [];
  const known = new Set(options.map(o => o.value));
  const extra = (props.multiple ? chosen : [props.value ?? ''])
    .filter(v => v && !known.has(v))
    .map(v => ({ value: v, label: v }));
  const all = [...options, ...extra];

  return (
    <TextField
      select
      id={id}
      label={label}
      variant="outlined"
      size="small"
      margin="dense"
      fullWidth
      disabled={disabled}
      value={props.multiple ? chosen : props.value ?? ''}
      onChange={e => {
        const v = e.target.value as unknown;
        if (props.multiple) props.onChange(v as string[]);
        else props.onChange((v as string) || undefined);
      }}
      InputLabelProps={{ shrink: true, className: classes.label }}
      SelectProps={{
        multiple: props.multiple,
        displayEmpty: true,
        renderValue: v => {
          const values = (Array.isArray(v) ? v : [v]).filter(
            Boolean,
          ) as string[];
          return values.length ? values.map(labelOf).join(', ') : anyLabel;
        },
      }}
    >
      {!props.multiple && <MenuItem value="">{anyLabel}</MenuItem>}
      {all.map(o => {
        const selected = props.multiple
          ? chosen.includes(o.value)
          : props.value === o.value;
        return (
          <MenuItem key={o.value} value={o.value}>
            {props.multiple && (
              <ListItemIcon className={classes.check} aria-hidden>
                {selected ? <CheckIcon fontSize="small" /> : <span />}
              </ListItemIcon>
            )}
            {o.label}
          </MenuItem>
        );
      })}
    </TextField>
  );
}
