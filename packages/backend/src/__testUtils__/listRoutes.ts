/**
 * The routes an Express app serves, as "METHOD /path" (the path as the
 * router declares it, mount points included). Reads Express 4's router
 * stack: mount points are recovered from each layer's regexp.
 */
export function listRoutes(app: any): string[] {
  const root = app?._router ?? app;
  const routes: string[] = [];
  walk(root?.stack ?? [], '', routes);
  return [...new Set(routes)];
}

function walk(stack: any[], prefix: string, out: string[]) {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path)
        ? layer.route.path
        : [layer.route.path];
      for (const method of Object.keys(layer.route.methods)) {
        if (method === '_all') continue;
        for (const p of paths) {
          out.push(`${method.toUpperCase()} ${join(prefix, String(p))}`);
        }
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, join(prefix, mountPath(layer)), out);
    }
  }
}

function mountPath(layer: any): string {
  if (layer.path !== undefined && typeof layer.path === 'string') {
    return layer.path;
  }
  const source: string = layer.regexp?.source ?? '';
  if (layer.regexp?.fast_slash || source === '^\\/?(?=\\/|$)') return '';
  return source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .replace(/\(\?:\(\[\^\\\/\]\+\?\)\)/g, ':param')
    .replace(/\\\//g, '/');
}

function join(a: string, b: string): string {
  return `${a}/${b}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}
