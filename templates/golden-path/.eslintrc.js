// Only the template's tests (src/) are this package's code: the skeletons
// (shared/, typescript/, python/), form/ and render.cjs are template content,
// with `${{ }}` placeholders, checked by the tests through the scaffolder.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  ignorePatterns: ['/*', '!/src/'],
});
