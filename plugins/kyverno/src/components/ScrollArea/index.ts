export { ScrollArea } from './ScrollArea';
