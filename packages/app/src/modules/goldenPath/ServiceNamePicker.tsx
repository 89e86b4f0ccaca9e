import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';

/** The rule the golden-path template's `name` field states in its schema. */
export const SERVICE_NAME = /^svc-(?!pg-)[a-z][a-z0-9-]{0,29}[a-z0-9]$/;

const useStyles = makeStyles(theme => ({
  // A refused name's label in the theme's error text colour, 6:1 on white
  // (palette.error.main gives text 3.7:1).
  field: {
    '& .MuiFormLabel-root.Mui-error, & .MuiFormHelperText-root.Mui-error': {
      color: theme.palette.errorText,
    },
  },
}));

/**
 * `ui:field: ServiceNamePicker` — the name of a new service. A text box
 * whose validation, run when the user presses Next, also asks the catalog
 * whether the name is taken, so the form says so before anything runs.
 */
export const ServiceNamePicker = (
  props: FieldExtensionComponentProps<string>,
) => {
  const {
    onChange,
    required,
    schema: { title = 'Name', description },
    uiSchema,
    rawErrors,
    formData,
    idSchema,
  } = props;
  const classes = useStyles();
  return (
    <TextField
      data-testid="service-name-picker"
      className={classes.field}
      id={idSchema?.$id}
      label={title}
      helperText={description}
      required={required}
      value={formData ?? ''}
      onChange={event => onChange(event.target.value)}
      margin="normal"
      error={(rawErrors?.length ?? 0) > 0}
      inputProps={{
        autoFocus: Boolean(uiSchema?.['ui:autofocus']),
        spellCheck: false,
      }}
      FormHelperTextProps={{ margin: 'dense', style: { marginLeft: 0 } }}
    />
  );
};

export const serviceNameValidation: CustomFieldValidator<string> = async (
  value,
  validation,
  { apiHolder },
) => {
  if (!value) return;
  if (!SERVICE_NAME.test(value)) {
    validation.addError(
      'Use svc- followed by a lower-case letter, then 1 to 30 lower-case letters, digits or dashes, ending with a letter or digit (e.g. svc-rewards). svc-pg-… is taken by PostgreSQL: the name after svc- becomes the database schema, and pg_ schemas are reserved.',
    );
    return;
  }
  const catalogApi = apiHolder.get(catalogApiRef);
  if (!catalogApi) return; // the backend step checks again
  const ref = { kind: 'Component', namespace: 'default', name: value };
  const existing = await catalogApi.getEntityByRef(ref);
  if (existing) {
    validation.addError(
      `${stringifyEntityRef(ref)} already exists in the catalog (owner ${
        existing.spec?.owner ?? 'unknown'
      }); choose another name.`,
    );
  }
};
