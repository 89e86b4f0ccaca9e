/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a scroll area must
   take the focus to scroll by keyboard (WCAG 2.1.1) */
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, useEffect, useRef, useState } from 'react';

const useStyles = makeStyles(theme => ({
  root: {
    overflowX: 'auto',
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
}));

export interface ScrollAreaProps {
  /** What scrolls: the group is named "<label> (scrolls sideways)". */
  label: string;
  children: ReactNode;
}

/**
 * A table that may be wider than its card scrolls sideways. While it
 * does, the scroll area takes the keyboard focus so that it can be
 * scrolled without a mouse (axe: scrollable-region-focusable); while it
 * fits, it is no tab stop.
 */
export function ScrollArea(props: ScrollAreaProps) {
  const classes = useStyles();
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);

  return (
    <div
      ref={ref}
      className={classes.root}
      role={scrolls ? 'group' : undefined}
      aria-label={scrolls ? `${props.label} (scrolls sideways)` : undefined}
      tabIndex={scrolls ? 0 : undefined}
    >
      {props.children}
    </div>
  );
}
