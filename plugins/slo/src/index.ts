export { sloPlugin as default } from './plugin';
export { SloClient, sloApiRef } from './api/SloClient';
export type { SloApi, SloList, SloWithEntity } from './api/SloClient';
