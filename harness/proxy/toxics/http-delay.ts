import { attributes, millis, share } from '../toxic-attributes.ts';
import type { ToxicType } from '../toxic.ts';
import { chance } from '../chance.ts';

/** HTTP proxies only (Drillbit extension): holds `share` of requests (stream upstream) or responses (downstream) `delay` ms. */
export const httpDelay: ToxicType<{ delay: number; share: number }> = {
  type: 'http_delay',
  description: 'delays share of requests (upstream) or responses (downstream) by delay ms (HTTP proxies)',
  attributes: attributes({ delay: millis(), share: share(1) }),
  http: {
    request: (a, random) => (chance(a.share, random) ? { delayMs: a.delay } : {}),
  },
};
