import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The data ownership page for compliance reviewers. */
export const dataOwnershipRouteRef = createRouteRef();
