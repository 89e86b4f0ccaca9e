import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { ScrollArea } from './ScrollArea';

/** jsdom lays nothing out: say how wide the content and its box are. */
function widths(scrollWidth: number, clientWidth: number) {
  // jsdom defines both on Element.prototype, as 0: shadow them for a while.
  const proto = HTMLElement.prototype;
  Object.defineProperty(proto, 'scrollWidth', {
    configurable: true,
    get: () => scrollWidth,
  });
  Object.defineProperty(proto, 'clientWidth', {
    configurable: true,
    get: () => clientWidth,
  });
  return () => {
    Reflect.deleteProperty(proto, 'scrollWidth');
    Reflect.deleteProperty(proto, 'clientWidth');
  };
}

describe('ScrollArea', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('is a named group and a tab stop while its table scrolls sideways', async () => {
    restore = widths(1200, 600);
    await renderInTestApp(
      <ScrollArea label="Clusters">
        <table aria-label="Clusters table" />
      </ScrollArea>,
    );
    const group = screen.getByRole('group', {
      name: 'Clusters (scrolls sideways)',
    });
    expect(group).toHaveAttribute('tabindex', '0');
    expect(group).toContainElement(screen.getByRole('table'));
  });

  it('is neither while the table fits', async () => {
    restore = widths(600, 600);
    await renderInTestApp(
      <ScrollArea label="Clusters">
        <table aria-label="Clusters table" />
      </ScrollArea>,
    );
    expect(screen.queryByRole('group')).toBeNull();
    expect(screen.getByRole('table').parentElement).not.toHaveAttribute(
      'tabindex',
    );
  });
});
