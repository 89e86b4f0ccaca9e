/**
 * Tags every series of `expr` with a label, so that many expressions can be
 * sent as one query joined by `or` and told apart in the answer
 * (label_replace with an empty source and regex always sets the label).
 */
export function tagged(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, "${label}", "${value}", "", "")`;
}

/**
 * Groups parts into as few `or` unions as fit in `maxChars` each; a part
 * longer than that goes alone. Returns the indexes of the parts per union.
 */
export function unionChunks(parts: string[], maxChars: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let length = 0;
  parts.forEach((part, i) => {
    const added = part.length + (current.length ? 4 : 0); // " or "
    if (current.length && length + added > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += current.length ? part.length + 4 : part.length;
    current.push(i);
  });
  if (current.length) chunks.push(current);
  return chunks;
}

export const union = (parts: string[]) => parts.join(' or ');
