import { expect, it } from 'vitest';
import { REDACTED, redact, registerSecret } from './redaction.ts';

it('redacts a registered value in clear and in its JSON, HTML, XML and script-block forms', () => {
  const secret = 'tok<en>"&\'-9f2';
  registerSecret(secret);
  expect(redact(`a ${secret} b`)).toBe(`a ${REDACTED} b`);
  expect(redact(JSON.stringify({ v: secret }))).not.toContain('9f2');
  expect(redact('tok&lt;en&gt;&quot;&amp;&#39;-9f2')).toBe(REDACTED);
  expect(redact('tok&lt;en&gt;&quot;&amp;&apos;-9f2')).toBe(REDACTED);
  expect(redact(JSON.stringify(secret).slice(1, -1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'))).toBe(REDACTED);
  expect(redact('nothing secret here')).toBe('nothing secret here');
});

it('ignores values too short to tell from ordinary text', () => {
  registerSecret('80');
  expect(redact('port 8080')).toBe('port 8080');
});
