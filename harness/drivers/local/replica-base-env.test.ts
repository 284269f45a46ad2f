import { describe, expect, it } from 'vitest';
import { hermeticPath, replicaBaseEnv } from './replica-base-env.ts';

describe('the base environment of a local replica', () => {
  it('keeps where programs, the user, the locale and CA settings are, and nothing of the harness or npm', () => {
    // What `npm run drills` hands the harness (npm 11 on this machine), plus the harness's own.
    const fromNpmRun = {
      PATH: '/work/p/node_modules/.bin:/work/node_modules/.bin:/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin:/bin',
      HOME: '/root', USER: 'root', LANG: 'C.UTF-8', TZ: 'UTC', SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
      NODE_OPTIONS: '--import tsx', NODE_ENV: 'test', NODE_PATH: '/work/p/node_modules', npm_lifecycle_event: 'drills', npm_config_user_agent: 'npm/11',
      npm_package_json: '/work/p/package.json', INIT_CWD: '/work/p', NODE: '/usr/local/bin/node', COLOR: '1', DRILLBIT_HOME: '/tmp/x', VITEST: 'true',
    };
    expect(replicaBaseEnv(fromNpmRun)).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', USER: 'root', LANG: 'C.UTF-8', TZ: 'UTC', SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    });
  });

  it('PATH loses relative and empty entries and duplicates, keeping the order of the rest', () => {
    expect(hermeticPath('.:bin::/opt/tool/bin:/usr/bin:/opt/tool/bin:/usr/local/sbin')).toBe('/opt/tool/bin:/usr/bin:/usr/local/sbin');
    // A folder merely named like node_modules is npm's too: a release gets its programs from its bundle or the system.
    expect(hermeticPath('/home/u/.nvm/versions/node/v20/bin:/srv/app/node_modules/.bin')).toBe('/home/u/.nvm/versions/node/v20/bin');
  });
});
