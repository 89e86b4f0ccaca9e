import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// recharts' ResponsiveContainer sizes charts with a ResizeObserver, which
// jsdom lacks and whose boxes are all 0 x 0: report a fixed size so that
// the charts render their series (legends, bars, lines) in tests.
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback(
      [
        {
          target,
          contentRect: { width: 800, height: 300 },
        } as ResizeObserverEntry,
      ],
      this as unknown as ResizeObserver,
    );
  }
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= FixedSizeResizeObserver;

// The tab and the board render several cards with tables and charts; on a
// busy machine that takes seconds, not a bug to fail on.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
