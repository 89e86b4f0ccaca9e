/**
 * What every Local-Plus frontend plugin shows the same way.
 *
 * - LoadError: why something could not be read, in the backend's words,
 *   with a button to try again; statusOf and messageOf read a failed call.
 * - ScrollArea: a wide table that scrolls sideways and can then be
 *   scrolled by keyboard.
 * - contrastRatio (WCAG) and ownColours, for the tests that keep each
 *   plugin's chips legible.
 *
 * @packageDocumentation
 */
export { LoadError, PLAIN_STATUSES } from './components/LoadError';
export type { LoadErrorProps } from './components/LoadError';
export { ScrollArea } from './components/ScrollArea';
export type { ScrollAreaProps } from './components/ScrollArea';
export { messageOf, statusOf } from './errors/errors';
export { contrastRatio, ownColours, parseColour } from './contrast/contrast';
