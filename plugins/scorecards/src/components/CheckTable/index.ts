export { CheckTable } from './CheckTable';
export type { CheckRow } from './CheckTable';
