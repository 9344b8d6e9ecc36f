// @ts-check
// The JavaScript RegExp baseline: a policy bundle's rules as a typical extension would write
// them, one RegExp per rule, to compare the wasm engine against (issue #8). Runs in the browser
// page of tests/bench/engine-page.mjs (and in Node): plain ES module, no imports.
//
// What it covers, exactly:
//   - `phrases` rules: one RegExp per rule, flags `giu`: an alternation of the escaped phrases
//     (named `list:` entries expanded), white space in a phrase as `\s+`, `'` and `-` also
//     matching their typographic variants, a trailing `*` as "may run on into a longer word"
//     (`W*`), a leading `*` as "may start inside a longer word" (the match is widened left to
//     the word start in JS afterwards, as the engine does: a leading `W*` in the RegExp made
//     the whole baseline 5x slower), and a word boundary `(?<!W)` / `(?!W)` on each side where
//     the phrase starts or ends with a word character and has no wildcard there;
//     W = `[\p{Alphabetic}\p{N}\p{M}]`, the engine's word characters. Case-insensitive through
//     the `i` flag. NOT done: diacritic folding (`clientgegevens` does not match `cliëntgegevens`).
//   - `regex` rules: `new RegExp(pattern, 'gu' + (case_insensitive ? 'i' : ''))`, the Rust
//     syntax translated where JS differs (`\b`, `\B`, `\w`, `\W`, `\d`, `\D` made Unicode as in
//     Rust; `\A`, `\z`, `\<`, `\>`, `\b{start}`…; `\x{…}`, `\U…`; `(?P<name>`; bare `(?i)` as a
//     `(?i:…)` modifier group; POSIX classes; identity escapes JS's `u` mode refuses). A pattern
//     JS still cannot compile (nested classes, set operations, `(?x)`, …) is skipped and counted.
//   - `near` rules, naively: every group is its own RegExp (phrase groups as above, `{pattern}`
//     groups case-insensitive) run over the whole text; for each hit of the first group, every
//     other group needs a hit (the nearest one before or after it) at most
//     `within × (groups − 1)` words away (words strictly between); the span runs from the
//     first to the last of those hits.
//   - NOT covered: `detector` rules (skipped and counted: a regex without the checksum would
//     not be the same work), `unless` exceptions, `signals`/confidence, language filtering,
//     merging overlapping findings, UTF-8 offsets. So the baseline does less than the engine:
//     `JS / wasm` ratios flatter JS if anything.
// Spans are JS string (UTF-16) offsets, as the engine's `start`/`end`.

/** A word character for the engine: alphanumeric (Alphabetic or Numeric) or a combining mark. */
export const WORD = String.raw`[\p{Alphabetic}\p{N}\p{M}]`;
const ONE_WORD_CHAR = new RegExp(`^${WORD}$`, 'u');
/** Rust's Unicode `\w`: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
const RUST_W = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;

/** What the engine folds together: `'` and `-` stand for their typographic variants. */
const APOSTROPHES = "['\u2018\u2019\u02BC\u2032`\u00B4]";
const DASHES = '[\\-\u2010-\u2015\u2212]';

/** @param {string} s */
const escapeRegExp = (s) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** @param {string} c */
const isWordChar = (c) => ONE_WORD_CHAR.test(c);

/**
 * A phrase as a RegExp fragment, and what its edges need: a word boundary where the phrase
 * starts/ends with a word character and has no wildcard there (`#ind` may follow a letter,
 * `ind` may not); `prefix` when a leading `*` lets the match start inside a longer word.
 * @param {string} raw
 * @returns {{ source: string, left: boolean, right: boolean, prefix: boolean } | null}
 */
export function phraseSource(raw) {
  const trimmed = raw.trim();
  const prefix = trimmed.startsWith('*');
  const suffix = trimmed.length > 1 && trimmed.endsWith('*');
  const core = trimmed.replace(/^\*+/, '').replace(/\*+$/, '').trim();
  if (!core) return null;
  const chars = [...core];
  const body = core
    .split(/\s+/u)
    .map((word) =>
      [...word]
        .map((c) => (c === "'" || c === '\u2019' ? APOSTROPHES : c === '-' ? DASHES : escapeRegExp(c)))
        .join(''),
    )
    .join(String.raw`\s+`);
  return {
    // A leading `*` is not written as a leading `W*`: a class that matches almost anything
    // first defeats V8's literal prefilter and costs a retry per position (it made the whole
    // baseline 5x slower). The phrase is matched from its literal and the span widened left
    // to the word start afterwards, as the engine does.
    source: `${body}${suffix ? `${WORD}*` : ''}`,
    left: !prefix && isWordChar(chars[0]),
    right: !suffix && isWordChar(chars[chars.length - 1]),
    prefix,
  };
}

/**
 * Phrase entries with `list:NAME` expanded from the bundle's lists.
 * @param {string[]} phrases
 * @param {Record<string, string[]>} lists
 */
function expand(phrases, lists) {
  return phrases.flatMap((p) => (p.startsWith('list:') && lists[p.slice(5)] ? lists[p.slice(5)] : [p]));
}

/**
 * A compiled matcher: a global RegExp, and whether a match whose capture group 1 took part
 * (the phrases with a leading `*`) is widened left to the start of its word.
 * @typedef {{ re: RegExp, widen: boolean }} Matcher
 */

/**
 * One RegExp for a phrase list (flags `giu`): alternatives grouped by the boundaries they need,
 * the leading-`*` ones last, in capture group 1.
 * @param {string[]} phrases
 * @param {Record<string, string[]>} lists
 * @returns {Matcher}
 */
export function phrasesRegExp(phrases, lists) {
  /** @type {Map<string, string[]>} */
  const byEdges = new Map();
  for (const p of expand(phrases, lists)) {
    const s = phraseSource(p);
    if (!s) continue;
    const key = `${s.prefix ? 'P' : ''}${s.left ? 'L' : ''}${s.right ? 'R' : ''}`;
    if (!byEdges.has(key)) byEdges.set(key, []);
    byEdges.get(key)?.push(s.source);
  }
  /** @param {string} key @param {string[]} alts */
  const branch = (key, alts) =>
    `${key.includes('L') ? `(?<!${WORD})` : ''}(?:${alts.join('|')})${key.includes('R') ? `(?!${WORD})` : ''}`;
  const plain = [...byEdges].filter(([k]) => !k.startsWith('P')).map(([k, a]) => branch(k, a));
  const prefixed = [...byEdges].filter(([k]) => k.startsWith('P')).map(([k, a]) => branch(k, a));
  const branches = prefixed.length ? [...plain, `(${prefixed.join('|')})`] : plain;
  const source = branches.length === 1 ? branches[0] : `(?:${branches.join('|')})`;
  return { re: new RegExp(source, 'giu'), widen: prefixed.length > 0 };
}

const POSIX = /** @type {Record<string, string>} */ ({
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
});

/** Characters JS accepts escaped in `u` mode (outside a class; inside, `-` too). */
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

/**
 * Translates a Rust `regex` pattern into a JS RegExp source with the same meaning, as far as
 * JS can say it. Throws (with a reason) on what it cannot translate.
 * @param {string} pattern
 * @returns {string}
 */
export function translateRustRegex(pattern) {
  const W = `[${RUST_W}]`;
  const p = pattern;
  let out = '';
  let i = 0;
  let inClass = false;
  let classStart = false;
  /** Per open group: how many bare-flag groups `(?i)` opened inside it must close with it. */
  const extra = [0];
  /** @param {string} why */
  const fail = (why) => {
    throw new Error(`${why} (at ${i} in ${JSON.stringify(p.length > 60 ? `${p.slice(0, 60)}…` : p)})`);
  };
  /** @param {number} cp */
  const literal = (cp) => `\\u{${cp.toString(16)}}`;
  /** @param {string} flags */
  const jsFlags = (flags) => {
    if (/[^ims-]/.test(flags.replace(/u/g, ''))) fail(`inline flags (?${flags}) have no JS equivalent`);
    if (/-[^:]*u/.test(flags)) fail('(?-u) (ASCII-only mode) has no JS equivalent');
    return flags.replace(/u/g, '').replace(/-$/, '');
  };
  while (i < p.length) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) fail('trailing backslash');
      const after = p.slice(i + 2);
      i += 2;
      const inside = inClass;
      classStart = false;
      switch (n) {
        case 'w':
          out += inside ? RUST_W : W;
          break;
        case 'W':
          if (inside) fail('\\W inside a class');
          out += `[^${RUST_W}]`;
          break;
        case 'd':
          out += String.raw`\p{Nd}`;
          break;
        case 'D':
          out += String.raw`\P{Nd}`;
          break;
        case 's':
        case 'S':
        case 'n':
        case 't':
        case 'r':
        case 'f':
        case 'v':
          out += `\\${n}`;
          break;
        case 'a':
          out += '\\x07';
          break;
        case 'e':
          out += '\\x1B';
          break;
        case 'A':
          out += String.raw`(?<![\s\S])`;
          break;
        case 'z':
          out += String.raw`(?![\s\S])`;
          break;
        case '<':
          out += `(?<!${W})(?=${W})`;
          break;
        case '>':
          out += `(?<=${W})(?!${W})`;
          break;
        case 'b': {
          if (inside) fail('\\b inside a class');
          const special = /^\{(start|end|start-half|end-half)\}/.exec(after);
          if (special) {
            i += special[0].length;
            out += {
              start: `(?<!${W})(?=${W})`,
              end: `(?<=${W})(?!${W})`,
              'start-half': `(?<!${W})`,
              'end-half': `(?!${W})`,
            }[special[1]];
          } else {
            out += `(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;
          }
          break;
        }
        case 'B':
          out += `(?:(?<=${W})(?=${W})|(?<!${W})(?!${W}))`;
          break;
        case 'p':
        case 'P': {
          const braced = /^\{([^}]*)\}/.exec(after);
          if (braced) {
            i += braced[0].length;
            out += `\\${n}{${braced[1].trim()}}`;
          } else if (after) {
            i += 1;
            out += `\\${n}{${after[0]}}`;
          } else fail('\\p without a class');
          break;
        }
        case 'x': {
          const braced = /^\{([0-9a-fA-F]+)\}/.exec(after);
          const two = /^[0-9a-fA-F]{2}/.exec(after);
          if (braced) {
            i += braced[0].length;
            out += literal(parseInt(braced[1], 16));
          } else if (two) {
            i += 2;
            out += `\\x${two[0]}`;
          } else fail('bad \\x escape');
          break;
        }
        case 'u':
        case 'U': {
          const braced = /^\{([0-9a-fA-F]+)\}/.exec(after);
          const fixed = n === 'u' ? /^[0-9a-fA-F]{4}/.exec(after) : /^[0-9a-fA-F]{8}/.exec(after);
          if (braced) {
            i += braced[0].length;
            out += literal(parseInt(braced[1], 16));
          } else if (fixed) {
            i += fixed[0].length;
            out += literal(parseInt(fixed[0], 16));
          } else fail(`bad \\${n} escape`);
          break;
        }
        default:
          if (/[0-9A-Za-z]/.test(n)) fail(`escape \\${n} has no JS equivalent`);
          // Rust lets any punctuation be escaped; JS's `u` mode only its syntax characters.
          out += SYNTAX.has(n) || (inside && n === '-') ? `\\${n}` : literal(/** @type {number} */ (n.codePointAt(0)));
      }
      continue;
    }
    if (inClass) {
      if (c === ']' && !classStart) {
        inClass = false;
        out += ']';
        i += 1;
        continue;
      }
      if (c === ']') {
        out += '\\]'; // `[]…]`: a literal `]` first in a Rust class
        i += 1;
        classStart = false;
        continue;
      }
      if (c === '[') {
        const posix = /^\[:(\^)?([a-z]+):\]/.exec(p.slice(i));
        if (!posix || !POSIX[posix[2]] || posix[1]) fail('nested class or negated POSIX class');
        out += POSIX[/** @type {RegExpExecArray} */ (posix)[2]];
        i += /** @type {RegExpExecArray} */ (posix)[0].length;
        classStart = false;
        continue;
      }
      if ((c === '&' && p[i + 1] === '&') || (c === '-' && p[i + 1] === '-') || (c === '~' && p[i + 1] === '~')) {
        fail('class set operation');
      }
      out += c;
      i += 1;
      classStart = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = true;
      out += '[';
      i += 1;
      if (p[i] === '^') {
        out += '^';
        i += 1;
      }
      continue;
    }
    if (c === '(') {
      if (p[i + 1] !== '?') {
        extra.push(0);
        out += '(';
        i += 1;
        continue;
      }
      const rest = p.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        extra.push(0);
        out += `(?<${named[1]}>`;
        i += named[0].length;
        continue;
      }
      const flags = /^\(\?([a-zA-Z-]*)([:)])/.exec(rest);
      if (!flags) fail('unknown group syntax');
      const [whole, f, end] = /** @type {RegExpExecArray} */ (flags);
      i += whole.length;
      const js = jsFlags(f);
      if (end === ':') {
        extra.push(0);
        out += js ? `(?${js}:` : '(?:';
      } else if (js) {
        // A bare `(?i)` applies to the rest of the enclosing group: JS only has `(?i:…)`.
        out += `(?${js}:`;
        extra[extra.length - 1] += 1;
      }
      continue;
    }
    if (c === ')') {
      const closing = extra.pop();
      if (closing === undefined || extra.length === 0) fail('unbalanced )');
      out += ')'.repeat(/** @type {number} */ (closing) + 1);
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  if (inClass) fail('unclosed class');
  if (extra.length !== 1) fail('unclosed group');
  return out + ')'.repeat(extra[0]);
}

/**
 * A Rust pattern as a JS RegExp (flags `gu`, plus `i` when case-insensitive).
 * @param {string} pattern
 * @param {boolean} caseInsensitive
 */
export function rustRegExp(pattern, caseInsensitive) {
  return new RegExp(translateRustRegex(pattern), `gu${caseInsensitive ? 'i' : ''}`);
}

/**
 * A Rust pattern as a Matcher.
 * @param {string} pattern
 * @param {boolean} caseInsensitive
 * @returns {Matcher}
 */
const rustMatcher = (pattern, caseInsensitive) => ({ re: rustRegExp(pattern, caseInsensitive), widen: false });

/**
 * @typedef {{ rule: string, start: number, end: number }} Span
 * @typedef {{ kind: 'one', id: string, matcher: Matcher }
 *         | { kind: 'near', id: string, groups: Matcher[], within: number }} Check
 * @typedef {{ rules: number, phrases: number, regex: number, near: number,
 *   skippedDetectors: number, skippedRules: { id: string, reason: string }[],
 *   ignored: string[] }} Coverage
 */

/**
 * Every match of a matcher, in text order.
 * @param {Matcher} matcher
 * @param {string} text
 * @returns {{ starts: number[], ends: number[] }}
 */
function allMatches({ re, widen }, text) {
  /** @type {number[]} */
  const starts = [];
  /** @type {number[]} */
  const ends = [];
  re.lastIndex = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    let start = m.index;
    const end = start + m[0].length;
    if (widen && m[1] !== undefined) {
      // A leading `*`: the span starts where the word does.
      while (start > 0) {
        const unit = text.charCodeAt(start - 1);
        const step = unit >= 0xdc00 && unit <= 0xdfff && start >= 2 ? 2 : 1; // a surrogate pair
        if (!ONE_WORD_CHAR.test(text.slice(start - step, start))) break;
        start -= step;
      }
    }
    starts.push(start);
    ends.push(end);
    if (end === m.index) {
      // An empty match: step over one code point, as String.prototype.matchAll does in `u` mode.
      const cp = text.codePointAt(end);
      re.lastIndex = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
    }
  }
  return { starts, ends };
}

/** Word starts and ends of a text (words as the engine counts them). */
class Words {
  /** @param {string} text */
  constructor(text) {
    /** @type {number[]} */ this.starts = [];
    /** @type {number[]} */ this.ends = [];
    const re = new RegExp(`${WORD}+`, 'gu');
    let m;
    while ((m = re.exec(text)) !== null) {
      this.starts.push(m.index);
      this.ends.push(m.index + m[0].length);
    }
  }

  /**
   * How many entries of the sorted `list` satisfy `pred` (a prefix of it).
   * @param {number[]} list
   * @param {(x: number) => boolean} pred
   */
  static count(list, pred) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(list[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Words strictly between two spans (0 when they touch or overlap).
   * @param {number} aStart @param {number} aEnd @param {number} bStart @param {number} bEnd
   */
  gap(aStart, aEnd, bStart, bEnd) {
    const [first, second] = aStart <= bStart ? [aEnd, bStart] : [bEnd, aStart];
    const firstWordOfSecond = Words.count(this.ends, (e) => e <= second);
    const pastLastOfFirst = Words.count(this.starts, (s) => s < first);
    return Math.max(0, firstWordOfSecond - pastLastOfFirst);
  }
}

/**
 * Compiles a bundle's rules into the baseline. `bundle` is the parsed bundle JSON.
 * @param {any} bundle
 * @returns {{ checks: Check[], coverage: Coverage, scan: (text: string) => Span[] }}
 */
export function compileBaseline(bundle) {
  /** @type {Record<string, string[]>} */
  const lists = bundle.lists || {};
  /** @type {Check[]} */
  const checks = [];
  /** @type {Coverage} */
  const coverage = {
    rules: bundle.rules.length,
    phrases: 0,
    regex: 0,
    near: 0,
    skippedDetectors: 0,
    skippedRules: [],
    ignored: ['detector rules', 'unless', 'signals', 'diacritic folding', 'language filter', 'merging'],
  };
  for (const rule of bundle.rules) {
    const m = rule.match;
    try {
      if (m.type === 'phrases') {
        checks.push({ kind: 'one', id: rule.id, matcher: phrasesRegExp(m.phrases, lists) });
        coverage.phrases += 1;
      } else if (m.type === 'regex') {
        checks.push({ kind: 'one', id: rule.id, matcher: rustMatcher(m.pattern, m.case_insensitive !== false) });
        coverage.regex += 1;
      } else if (m.type === 'near') {
        const groups = m.groups.map((/** @type {any} */ g) =>
          Array.isArray(g) ? phrasesRegExp(g, lists) : rustMatcher(g.pattern, true),
        );
        checks.push({ kind: 'near', id: rule.id, groups, within: m.within ?? 0 });
        coverage.near += 1;
      } else if (m.type === 'detector') {
        coverage.skippedDetectors += 1;
      } else {
        coverage.skippedRules.push({ id: rule.id, reason: `matcher type ${m.type}` });
      }
    } catch (e) {
      coverage.skippedRules.push({ id: rule.id, reason: String(/** @type {Error} */ (e).message || e) });
    }
  }

  /** @param {string} text */
  function scan(text) {
    /** @type {Span[]} */
    const spans = [];
    /** @type {Words | null} */
    let words = null;
    for (const check of checks) {
      if (check.kind === 'one') {
        const { starts, ends } = allMatches(check.matcher, text);
        for (let k = 0; k < starts.length; k += 1) spans.push({ rule: check.id, start: starts[k], end: ends[k] });
        continue;
      }
      const hits = check.groups.map((g) => allMatches(g, text));
      if (hits.some((h) => h.starts.length === 0)) continue;
      words ??= new Words(text);
      const w = /** @type {Words} */ (words);
      const reach = check.within * (check.groups.length - 1);
      const [anchors, ...others] = hits;
      for (let a = 0; a < anchors.starts.length; a += 1) {
        const [aStart, aEnd] = [anchors.starts[a], anchors.ends[a]];
        let start = aStart;
        let end = aEnd;
        let all = true;
        for (const group of others) {
          // The group's nearest hits on either side of the anchor (binary search, not a scan
          // of every pair: a naive pairing, but not a quadratic one on long texts).
          const after = Words.count(group.starts, (s) => s < aStart);
          let best = -1;
          for (const k of [after - 1, after]) {
            if (k < 0 || k >= group.starts.length) continue;
            if (w.gap(aStart, aEnd, group.starts[k], group.ends[k]) <= reach) {
              best = k;
              break;
            }
          }
          if (best < 0) {
            all = false;
            break;
          }
          start = Math.min(start, group.starts[best]);
          end = Math.max(end, group.ends[best]);
        }
        if (all) spans.push({ rule: check.id, start, end });
      }
    }
    return spans;
  }

  return { checks, coverage, scan };
}

/** One line saying what the baseline covers, for the harness's output. */
export function describeCoverage(/** @type {Coverage} */ c) {
  const skipped = c.skippedRules.length ? `, ${c.skippedRules.length} rules JS cannot compile skipped` : '';
  return (
    `${c.phrases + c.regex + c.near} of ${c.rules} rules (${c.phrases} phrase, ${c.regex} regex, ${c.near} near); ` +
    `${c.skippedDetectors} detector rules skipped${skipped}; ignored: ${c.ignored.join(', ')}`
  );
}
