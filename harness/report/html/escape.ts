/** Text for HTML element content and quoted attribute values: every scenario-provided string goes through here. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` become `\u003c`…,
 * so no `</script` or `<!--` can end or confuse the block, and U+2028/2029 stay inert.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inline script or style text must not contain its own end tag; library code is checked, not trusted. */
export function assertInlineSafe(name: string, text: string, tag: 'script' | 'style'): string {
  if (new RegExp(`</${tag}`, 'i').test(text) || /<!--/.test(text)) throw new Error(`${name} cannot be inlined: it contains </${tag} or <!--`);
  return text;
}
