/**
 * What a network or driver error means, in words fit for the people using
 * the portal: no address, no stack, no driver jargon. The raw error goes to
 * the log; this goes into a DependencyError's `problem`.
 *
 * @param timeoutMs - the time-out the caller set, to say "within 5 s".
 */
export function describeCause(error: unknown, timeoutMs?: number): string {
  const codes = causeChain(error).flatMap(e => [
    String((e as { code?: unknown }).code ?? ''),
    String((e as { name?: unknown }).name ?? ''),
    String((e as { message?: unknown }).message ?? ''),
  ]);
  const has = (pattern: RegExp) => codes.some(c => pattern.test(c));

  if (
    has(/^(AbortError|TimeoutError|ETIMEDOUT|ESOCKETTIMEDOUT)$|timed? ?out/i)
  ) {
    return timeoutMs
      ? `did not answer within ${formatSeconds(timeoutMs)}`
      : 'did not answer in time';
  }
  if (has(/^ECONNREFUSED$/)) return 'refused the connection (is it running?)';
  if (has(/^(ENOTFOUND|EAI_AGAIN)$/))
    return 'could not be found (name lookup failed)';
  if (has(/^(ECONNRESET|EPIPE)$|socket hang up|Connection is closed/i)) {
    return 'closed the connection';
  }
  if (has(/^(EHOSTUNREACH|ENETUNREACH)$/))
    return 'cannot be reached from the portal';
  if (has(/CERT|SSL|TLS|self[- ]signed/i)) return 'failed the TLS handshake';
  if (has(/^(NOAUTH|WRONGPASS)|authentication failed|password/i)) {
    return "refused the portal's credentials";
  }
  return 'failed';
}

/** 5000 → "5 s", 1500 → "1.5 s", 200 → "200 ms". */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let node: unknown = error;
  while (node && typeof node === 'object' && !chain.includes(node)) {
    chain.push(node);
    // AggregateError (happy eyeballs: one error per address tried).
    const inner = (node as { errors?: unknown }).errors;
    if (Array.isArray(inner)) chain.push(...inner);
    node = (node as { cause?: unknown }).cause;
  }
  return chain;
}
