import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The plugin's page; other plugins link to it through this ref. */
export const rootRouteRef = createRouteRef();
