'use strict';
/**
 * Label and field selectors with the grammar and semantics of
 * k8s.io/apimachinery (labels.Parse, fields.ParseSelector):
 *   env=prod  env==prod  env!=prod  env in (a,b)  env notin (a,b)  env  !env
 *   replicas>2  replicas<5          (label selectors only)
 * comma = AND; `!=` and `notin` also match objects without the key.
 */

class SelectorError extends Error {}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKey(key) {
  const parts = key.split('/');
  const name = parts.length === 2 ? parts[1] : parts[0];
  const ok =
    parts.length <= 2 &&
    name.length > 0 &&
    name.length <= 63 &&
    NAME.test(name) &&
    (parts.length === 1 ||
      (parts[0].length <= 253 && DNS_SUBDOMAIN.test(parts[0])));
  if (!ok) {
    throw new SelectorError(
      `unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
}

function validateValue(key, value) {
  if (value === '' || (value.length <= 63 && NAME.test(value))) return;
  throw new SelectorError(
    `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  );
}

// Tokens of the label selector language.
function lex(input) {
  const tokens = [];
  let i = 0;
  const special = ['==', '!=', '=', '>', '<', '!', '(', ')', ','];
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const op = special.find(s => input.startsWith(s, i));
    if (op) {
      tokens.push({ type: op, text: op });
      i += op.length;
      continue;
    }
    let j = i;
    while (
      j < input.length &&
      !/\s/.test(input[j]) &&
      !special.some(s => input.startsWith(s, j))
    )
      j++;
    const text = input.slice(i, j);
    tokens.push({
      type: text === 'in' ? 'in' : text === 'notin' ? 'notin' : 'id',
      text,
    });
    i = j;
  }
  return tokens;
}

/** Parses a label selector into requirements; throws SelectorError. */
function parseLabelSelector(input) {
  const tokens = lex(input ?? '');
  const reqs = [];
  let p = 0;
  const peek = () => tokens[p];
  const next = () => tokens[p++];
  const fail = (tok, expected) => {
    throw new SelectorError(
      `unable to parse requirement: found '${
        tok ? tok.text : 'EOS'
      }', expected: ${expected}`,
    );
  };
  const identifier = expected => {
    const tok = next();
    if (!tok || tok.type !== 'id') fail(tok, expected);
    return tok.text;
  };
  while (p < tokens.length) {
    let tok = peek();
    if (tok.type === '!') {
      next();
      const key = identifier("identifier after '!'");
      validateKey(key);
      reqs.push({ key, op: '!' });
    } else {
      const key = identifier('identifier');
      validateKey(key);
      tok = peek();
      if (!tok || tok.type === ',') {
        reqs.push({ key, op: 'exists' });
      } else if (['=', '==', '!='].includes(tok.type)) {
        next();
        const t = peek();
        const value =
          t && ['id', 'in', 'notin'].includes(t.type) ? next().text : '';
        validateValue(key, value);
        reqs.push({ key, op: tok.type === '!=' ? '!=' : '=', values: [value] });
      } else if (tok.type === '>' || tok.type === '<') {
        next();
        const value = identifier('identifier');
        if (!/^-?\d+$/.test(value)) {
          throw new SelectorError(
            `unable to parse requirement: values[0]: Invalid value: "${value}": for 'Gt', 'Lt' operators, the value must be an integer`,
          );
        }
        reqs.push({ key, op: tok.type, values: [value] });
      } else if (tok.type === 'in' || tok.type === 'notin') {
        next();
        if (!peek() || peek().type !== '(') fail(peek(), "'('");
        next();
        const values = [];
        for (;;) {
          const t = peek();
          if (t && t.type === ')') {
            next();
            break;
          }
          if (t && t.type === ',') {
            next();
            continue;
          }
          if (!t || t.type !== 'id') fail(t, "',', ')' or identifier");
          values.push(next().text);
        }
        if (values.length === 0) {
          throw new SelectorError(
            `unable to parse requirement: values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`,
          );
        }
        values.forEach(v => validateValue(key, v));
        reqs.push({ key, op: tok.type, values });
      } else {
        fail(tok, "'=', '!=', '==', 'in', notin'");
      }
    }
    if (p < tokens.length) {
      const sep = next();
      if (sep.type !== ',') fail(sep, "','");
      if (p >= tokens.length) fail(undefined, 'identifier');
    }
  }
  return reqs;
}

function matchLabels(reqs, labels) {
  const l = labels ?? {};
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && l[r.key] === r.values[0];
      case '!=':
        return !has || l[r.key] !== r.values[0];
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case '>':
      case '<': {
        if (!has || !/^-?\d+$/.test(l[r.key])) return false;
        const v = Number(l[r.key]);
        return r.op === '>' ? v > Number(r.values[0]) : v < Number(r.values[0]);
      }
      default:
        return false;
    }
  });
}

// Field selectors: key=value, key==value, key!=value; `\` escapes , = and \.
function splitUnescaped(s, sep) {
  const parts = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      parts.push(cur);
      cur = '';
    } else cur += s[i];
  }
  parts.push(cur);
  return parts;
}

const unescape = s => s.replace(/\\(.)/g, '$1');

/** Parses a field selector; `supported` lists the field labels the resource knows. */
function parseFieldSelector(input, supported) {
  if (!input) return [];
  return splitUnescaped(input, ',').map(term => {
    let m;
    let op;
    if ((m = /^(.*?)!=(.*)$/.exec(term))) op = '!=';
    else if ((m = /^(.*?)==(.*)$/.exec(term))) op = '=';
    else if ((m = /^(.*?)=(.*)$/.exec(term))) op = '=';
    else
      throw new SelectorError(
        `invalid selector: '${input}'; can't understand '${term}'`,
      );
    const key = m[1].trim();
    if (!supported.includes(key)) {
      throw new SelectorError(`field label not supported: ${key}`);
    }
    return { key, op, value: unescape(m[2]) };
  });
}

function fieldValue(obj, path) {
  let v = obj;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return '';
    v = v[part];
  }
  if (v === undefined || v === null) return '';
  return String(v);
}

function matchFields(reqs, obj) {
  return reqs.every(r => {
    const v = fieldValue(obj, r.key);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

module.exports = {
  SelectorError,
  parseLabelSelector,
  matchLabels,
  parseFieldSelector,
  matchFields,
};
