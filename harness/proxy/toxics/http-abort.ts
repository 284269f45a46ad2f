import { attributes, share, statusCode } from '../toxic-attributes.ts';
import { chance } from '../chance.ts';
import type { ToxicType } from '../toxic.ts';

/** HTTP proxies only (Drillbit extension): answers `share` of requests with `status`, never reaching the upstream. */
export const httpAbort: ToxicType<{ status: number; share: number }> = {
  type: 'http_abort',
  description: 'answers share of requests with status without reaching the upstream (HTTP proxies)',
  attributes: attributes({ status: statusCode(503), share: share(1) }),
  http: {
    request: (a, random) => (chance(a.share, random) ? { abortStatus: a.status } : {}),
  },
};

