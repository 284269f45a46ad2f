import type { PolicyRule } from '../policy-rule.ts';
import { DIGEST_PATTERN } from '../../release/bundle-digest.ts';


/**
 * `immutableReference`: the scenario must name a release by digest — `sha256:…`,
 * `image@sha256:…`, or a bundle pinned with `{ bundle, digest }` — never by a tag or
 * a bare path, whose content can change under the same name.
 */
export const immutableReferenceRule: PolicyRule = {
  name: 'immutable-reference',
  check({ service, name, reference, pinnedDigest }) {
    if (DIGEST_PATTERN.test(reference) || /@sha256:[0-9a-f]{64}$/.test(reference) || pinnedDigest) return undefined;
    return `${service}@${name} is referenced as ${JSON.stringify(reference)}, a name whose content can change; reference it by digest (sha256:…, image@sha256:…, or { bundle, digest })`;
  },
};
