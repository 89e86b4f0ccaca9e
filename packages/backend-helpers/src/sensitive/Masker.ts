import { cardNumberSpans } from './cardNumbers';

/**
 * Masks what must not leave a backend in clear in anything a page shows:
 * payloads, tracebacks, error messages, audit rows. Masking is for display
 * only; whoever acts on the data (a replay) uses the original bytes.
 *
 * - card numbers (12–19 digits, spaces or dashes allowed, Luhn-valid): the
 *   first 6 and last 4 digits, as PCI-DSS allows; at every level;
 * - IBANs (valid check digits): country, check digits and the last 4;
 * - e-mail addresses: the first letter and the domain;
 * - phone numbers (international `+…`, French national `0X XX XX XX XX`):
 *   the last 2 digits;
 * - values under sensitive keys (password, token, secret, authorization,
 *   cvv, …) in objects, in JSON held in strings and in `key=value` or
 *   `'key': value` text (Python reprs in tracebacks): replaced whole;
 * - extra patterns from config, each keeping a few characters at its ends.
 *
 * `revealed` is what a user allowed to see unmasked values gets: card
 * numbers and card security codes stay masked all the same (a full PAN is
 * never shown to anyone, and a CVV is never data anyone needs to read).
 */
export type MaskLevel = 'masked' | 'revealed';

export interface MaskPattern {
  /** What it masks, for config errors and docs. */
  name: string;
  /** Matched anywhere in text; flags other than `g`, `i` are dropped. */
  pattern: RegExp;
  /** Characters kept at the start and at the end of each match. */
  keepStart: number;
  keepEnd: number;
}

export interface MaskerOptions {
  /** Added to DEFAULT_SENSITIVE_KEYS, which cannot be shortened. */
  sensitiveKeys?: string[];
  patterns?: MaskPattern[];
}

/** Keys (as words of a key name: `accessToken`, `X-Api-Key`) whose values are secrets. */
export const DEFAULT_SENSITIVE_KEYS = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'api_key',
  'apikey',
  'private_key',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cvn',
  'pin',
];
/** Card security codes: masked even for a user who may see the rest. */
const CARD_SECURITY_KEYS = new Set(['cvv', 'cvv2', 'cvc', 'cvc2', 'cvn']);

export const REDACTED = '[redacted]';
const MASK = '*';

/** The words of a key: snake_case, kebab-case and camelCase alike. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLocaleLowerCase('en-US')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** ISO 13616: the rearranged IBAN, letters as numbers, mod 97 is 1. */
function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const n = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = n >= 10 ? (rest * 100 + n) % 97 : (rest * 10 + n) % 97;
  }
  return rest === 1;
}

// Compact, or in groups of four (the way IBANs are printed).
const IBAN =
  /\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b/g;
const EMAIL =
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
// International (+ and 8 to 15 digits in groups), or French national.
const PHONE =
  /(?<![\w+])(?:\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}|0[1-9](?:[ .-]?\d{2}){4})(?!\w)/g;

/** Every character but the last `keep` digits becomes `*`; separators stay. */
function keepLastDigits(text: string, keep: number): string {
  let digitsLeft = (text.match(/\d/g) ?? []).length;
  let out = '';
  for (const ch of text) {
    if (/\d/.test(ch)) {
      out += digitsLeft > keep ? MASK : ch;
      digitsLeft--;
    } else out += ch;
  }
  return out;
}

export class Masker {
  private readonly sensitiveKeys: Set<string>;
  private readonly sensitiveSequences: string[];
  private readonly patterns: MaskPattern[];
  private readonly keyValue: RegExp;

  constructor(options: MaskerOptions = {}) {
    const keys = [...DEFAULT_SENSITIVE_KEYS, ...(options.sensitiveKeys ?? [])]
      .map(k => keyWords(k).join('_'))
      .filter(Boolean);
    this.sensitiveKeys = new Set(keys.filter(k => !k.includes('_')));
    this.sensitiveSequences = keys.filter(k => k.includes('_'));
    this.patterns = (options.patterns ?? []).map(p => ({
      ...p,
      pattern: new RegExp(
        p.pattern.source,
        `g${p.pattern.flags.includes('i') ? 'i' : ''}`,
      ),
    }));
    // `key=value`, `key: value`, `"key": "value"`, `'key': 'value'`, and
    // `Authorization: Bearer abc`: the key is checked word by word below.
    this.keyValue =
      /(["']?)([A-Za-z][A-Za-z0-9_.-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:(?:Bearer|Basic|Token)\s+)?[^\s,;&'"}\])]+)/g;
  }

  /** Is a value under this key a secret (`access_token`, `X-Api-Key`, `cvv`)? */
  isSensitiveKey(key: string, level: MaskLevel = 'masked'): boolean {
    const words = keyWords(key);
    // `TokenError: expired` names an exception, not a token.
    if (
      /^(error|exception|expired|invalid)$/.test(words[words.length - 1] ?? '')
    ) {
      return false;
    }
    if (level === 'revealed') return words.some(w => CARD_SECURITY_KEYS.has(w));
    if (words.some(w => this.sensitiveKeys.has(w))) return true;
    const joined = `_${words.join('_')}_`;
    return this.sensitiveSequences.some(s => joined.includes(`_${s}_`));
  }

  /** A text with every sensitive value in it masked. */
  maskText(text: string, level: MaskLevel = 'masked'): string {
    let out = text.replace(
      this.keyValue,
      (whole, quote: string, key: string, sep: string, value: string) => {
        if (!this.isSensitiveKey(key, level)) return whole;
        const q = /^["']/.test(value) ? value[0] : '';
        return `${quote}${key}${quote}${sep}${q}${REDACTED}${q}`;
      },
    );
    if (level === 'masked') out = out.replace(IBAN, maskIban);
    out = maskCardNumbers(out);
    if (level === 'revealed') return out;
    out = out.replace(EMAIL, email => {
      const at = email.lastIndexOf('@');
      return `${email[0]}***${email.slice(at)}`;
    });
    out = out.replace(PHONE, phone => {
      const digits = phone.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? keepLastDigits(phone, 2) : phone;
    });
    for (const p of this.patterns) {
      out = out.replace(p.pattern, match => {
        const keep = p.keepStart + p.keepEnd;
        if (match.length <= keep) return MASK.repeat(match.length);
        return (
          match.slice(0, p.keepStart) +
          MASK.repeat(match.length - keep) +
          match.slice(match.length - p.keepEnd)
        );
      });
    }
    return out;
  }

  /**
   * A JSON-like value (arguments, keyword arguments, a record) with every
   * sensitive value masked, at any depth; strings holding a JSON document
   * are masked as that document. The value given is not changed.
   */
  maskValue<T>(value: T, level: MaskLevel = 'masked'): T {
    return this.walk(value, level, 0) as T;
  }

  private walk(value: unknown, level: MaskLevel, depth: number): unknown {
    // Deeper than any payload the platform's tasks carry: masked as text.
    if (depth > 32) return this.maskText(JSON.stringify(value) ?? '', level);
    if (typeof value === 'string') return this.maskString(value, level, depth);
    if (typeof value === 'number' || typeof value === 'bigint') {
      // A card number as a JSON number.
      const text = String(value);
      const masked = maskCardNumbers(text);
      return masked === text ? value : masked;
    }
    if (Array.isArray(value)) {
      return value.map(v => this.walk(v, level, depth + 1));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          this.isSensitiveKey(k, level) && v !== null && v !== undefined
            ? REDACTED
            : this.walk(v, level, depth + 1),
        ]),
      );
    }
    return value;
  }

  private maskString(text: string, level: MaskLevel, depth: number): string {
    const trimmed = text.trim();
    if (/^[[{]/.test(trimmed) && /[\]}]$/.test(trimmed)) {
      try {
        const parsed = JSON.parse(trimmed);
        return JSON.stringify(this.walk(parsed, level, depth + 1));
      } catch {
        // Not JSON after all (a Python repr): masked as text.
      }
    }
    return this.maskText(text, level);
  }
}

/** An IBAN with valid check digits: country, check digits, last 4. */
function maskIban(match: string): string {
  // Printed in groups, a match may run into a following word: drop groups
  // from the end until the check digits are right.
  const groups = match.split(' ');
  for (let n = groups.length; n >= 1; n--) {
    const candidate = groups.slice(0, n).join(' ');
    const compact = candidate.replace(/ /g, '');
    if (ibanValid(compact)) {
      const rest = groups.slice(n).join(' ');
      const masked = `${compact.slice(0, 4)}${MASK.repeat(4)}${compact.slice(
        -4,
      )}`;
      return rest ? `${masked} ${rest}` : masked;
    }
  }
  return match;
}

/** Card numbers: the first 6 and last 4 digits, the rest `*`. */
function maskCardNumbers(text: string): string {
  const spans = cardNumberSpans(text);
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    const digits = text.slice(start, end).replace(/\D/g, '');
    out += text.slice(at, start);
    out +=
      digits.slice(0, 6) + MASK.repeat(digits.length - 10) + digits.slice(-4);
    at = end;
  }
  return out + text.slice(at);
}
