// @ts-check
/**
 * HTML built from templates whose every interpolated value is escaped, so data read from the APIs (execution input is
 * user data, message bodies are anyone's) can never become markup. Only `SafeHtml` made by `html` itself passes
 * through unescaped.
 */

export class SafeHtml {
  /** @param {string} text markup already escaped */
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

const ENTITIES = /** @type {Record<string, string>} */ ({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
});

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"'`]/g, (character) => ENTITIES[character] ?? character);
}

/**
 * A template tag: `html\`<td>${name}</td>\`` escapes `name`; arrays are joined; `undefined`, `null` and `false` are
 * left out, so `${condition && html\`...\`}` reads naturally.
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += fragment(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(text);
}

/** @param {unknown} value @returns {string} */
function fragment(value) {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  return escapeHtml(value);
}

/**
 * Replaces the content of `element` with `markup`.
 * @param {Element} element
 * @param {SafeHtml} markup
 */
export function render(element, markup) {
  element.innerHTML = markup.text;
}

/** A JSON text pretty-printed when it parses, else as it is. @param {string | undefined} text */
export function prettyJson(text) {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A date of the JSON protocols (epoch seconds) as local time with milliseconds. @param {number | undefined} seconds */
export function timeOf(seconds) {
  if (seconds === undefined) return '';
  const date = new Date(seconds * 1000);
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** The last part of an ARN or a queue URL, for display. @param {string} arnOrUrl */
export function shortName(arnOrUrl) {
  return arnOrUrl.split(/[:/]/).at(-1) ?? arnOrUrl;
}
