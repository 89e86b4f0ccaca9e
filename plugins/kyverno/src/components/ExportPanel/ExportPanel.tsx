import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ComplianceFilter,
  kyvernoExportPermission,
  SnapshotInfo,
} from '@internal/plugin-kyverno-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import Alert from '@material-ui/lab/Alert';
import { useRef, useState } from 'react';
import { messageOf, statusOf } from '@internal/frontend-helpers';
import { ExportFormat, kyvernoApiRef } from '../../api/KyvernoClient';
import { describeFilter } from '../CompliancePage/filters';
import { absolute, DAY } from '../format';
import { saveFile } from './saveFile';

const useStyles = makeStyles(theme => ({
  // Legends and labels in the primary text colour: the secondary one is
  // barely 4.5:1 on the card.
  legend: { '&&': { color: theme.palette.text.primary } },
  dates: { display: 'flex', gap: theme.spacing(2), flexWrap: 'wrap' },
}));

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

type Which = 'snapshot' | 'range';

/**
 * Evidence for an auditor: the current snapshot or every snapshot of a
 * date range, as CSV or JSON, with the page's filters. Needs
 * kyverno.evidence.export; without it the button says so.
 */
export function ExportPanel(props: {
  filter: ComplianceFilter;
  snapshot?: SnapshotInfo | null;
}) {
  const { filter, snapshot } = props;
  const classes = useStyles();
  const api = useApi(kyvernoApiRef);
  const { loading: checking, allowed } = usePermission({
    permission: kyvernoExportPermission,
  });
  const [which, setWhich] = useState<Which>('snapshot');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [from, setFrom] = useState(() => isoDay(Date.now() - 30 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<string>();

  const mode: Which = which === 'snapshot' && !snapshot ? 'range' : which;
  const rangeProblem =
    mode === 'range' && (!from || !to || from > to)
      ? 'Choose a start date on or before the end date.'
      : undefined;
  const why = (() => {
    if (checking) return 'Checking whether you may export evidence…';
    if (!allowed) {
      return `Exporting evidence needs the compliance reviewer or platform admin role (${kyvernoExportPermission.name}).`;
    }
    return rangeProblem;
  })();
  const disabled = Boolean(why) || busy;
  const scope = describeFilter(filter);

  const download = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setDone(undefined);
    setFailure(undefined);
    try {
      const file = await api.exportEvidence(
        mode === 'snapshot' && snapshot
          ? { format, snapshot: snapshot.id, filter }
          : {
              format,
              from: `${from}T00:00:00.000Z`,
              to: `${to}T23:59:59.999Z`,
              filter,
            },
      );
      saveFile(file.blob, file.filename);
      setDone(`Downloaded ${file.filename}.`);
    } catch (e) {
      setFailure(
        statusOf(e) === 403
          ? `You are not allowed to export evidence: ${messageOf(e)}`
          : messageOf(e),
      );
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <Box data-testid="kyverno-export">
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <FormControl component="fieldset">
            <FormLabel component="legend" className={classes.legend}>
              Results
            </FormLabel>
            <RadioGroup
              name="kyverno-export-which"
              value={mode}
              onChange={e => setWhich(e.target.value as Which)}
            >
              <FormControlLabel
                value="snapshot"
                control={<Radio color="primary" />}
                disabled={!snapshot}
                label={
                  snapshot
                    ? `Current snapshot (${snapshot.id}, ${absolute(
                        snapshot.takenAt,
                      )})`
                    : 'Current snapshot (none yet)'
                }
              />
              <FormControlLabel
                value="range"
                control={<Radio color="primary" />}
                label="Every snapshot in a date range"
              />
            </RadioGroup>
          </FormControl>
          {mode === 'range' && (
            <Box className={classes.dates} mt={1}>
              <TextField
                id="kyverno-export-from"
                label="From"
                type="date"
                variant="outlined"
                size="small"
                value={from}
                onChange={e => setFrom(e.target.value)}
                InputLabelProps={{ shrink: true, className: classes.legend }}
              />
              <TextField
                id="kyverno-export-to"
                label="To"
                type="date"
                variant="outlined"
                size="small"
                value={to}
                onChange={e => setTo(e.target.value)}
                InputLabelProps={{ shrink: true, className: classes.legend }}
              />
            </Box>
          )}
        </Grid>
        <Grid item xs={12} md={6}>
          <FormControl component="fieldset">
            <FormLabel component="legend" className={classes.legend}>
              Format
            </FormLabel>
            <RadioGroup
              row
              name="kyverno-export-format"
              value={format}
              onChange={e => setFormat(e.target.value as ExportFormat)}
            >
              <FormControlLabel
                value="csv"
                control={<Radio color="primary" />}
                label="CSV"
              />
              <FormControlLabel
                value="json"
                control={<Radio color="primary" />}
                label="JSON"
              />
            </RadioGroup>
          </FormControl>
          <Typography variant="body2" paragraph>
            {scope
              ? `Only the results matching the filters above: ${scope}.`
              : 'Every result: no filter is set above.'}{' '}
            Each export is recorded in the audit log.
          </Typography>
        </Grid>
        <Grid item xs={12}>
          <Button
            variant="contained"
            color="primary"
            startIcon={<GetAppIcon />}
            disabled={disabled}
            onClick={download}
            aria-describedby={why ? 'kyverno-export-why' : undefined}
          >
            {busy ? 'Exporting…' : `Download ${format.toUpperCase()}`}
          </Button>
          {why && (
            <Typography
              variant="body2"
              id="kyverno-export-why"
              component="p"
              style={{ marginTop: 8 }}
            >
              {why}
            </Typography>
          )}
          {done && (
            <Box mt={2}>
              <Alert severity="success" onClose={() => setDone(undefined)}>
                {done}
              </Alert>
            </Box>
          )}
          {failure && (
            <Box mt={2}>
              <Alert severity="error">{failure}</Alert>
            </Box>
          )}
        </Grid>
      </Grid>
    </Box>
  );
}
