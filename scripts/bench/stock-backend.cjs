// A stock Backstage backend of this repository's release, for the catalog
// scale benchmark: backend-defaults and the catalog, nothing of ours.
//   node stock-backend.cjs --config <file>
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.start();
