import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DrillbitError } from '../../errors.ts';
import { normalizeComposeConfig } from './compose-stack.ts';
import { parseComposeDuration, rewriteServiceAddresses, splitCommand } from './compose-values.ts';
import { dependencyStartOrder } from './dependency-container.ts';

// What `docker-compose config` (1.29) prints for a 2.4 file: durations as written, short volume and port syntax.
const CONFIG_2_4 = `
services:
  shop:
    command: ["node", "server.mjs"]
    depends_on:
      stock:
        condition: service_healthy
    environment:
      HOST: 0.0.0.0
      STOCK_URL: http://stock:8080
      FROM_SHELL: null
    image: drillbit/shop:v1
    ports:
    - 127.0.0.1::8080/tcp
    volumes:
    - shop-data:/data:rw
    - /srv/config:/config:ro
  stock:
    expose:
    - '9090'
    healthcheck:
      interval: 500ms
      retries: 10
      start_period: 1m30s
      test: [CMD, wget, -q, http://127.0.0.1:9090/healthz]
      timeout: 2s
    image: drillbit/stock:v1
    command: node server.mjs --name "big stock"
  worker:
    build: ./worker
    depends_on: [stock]
    healthcheck:
      test: [NONE]
version: '2.4'
volumes:
  shop-data: {}
`;

describe('compose config → services', () => {
  const stack = normalizeComposeConfig(parseYaml(CONFIG_2_4), '/p/docker-compose.yml');

  it('reads image, environment, command, depends_on, ports and volumes', () => {
    const shop = stack.services.shop!;
    expect(shop.image).toBe('drillbit/shop:v1');
    expect(shop.environment).toEqual({ HOST: '0.0.0.0', STOCK_URL: 'http://stock:8080' });
    expect(shop.unsetEnvironment).toEqual(['FROM_SHELL']);
    expect(shop.command).toEqual(['node', 'server.mjs']);
    expect(shop.dependsOn).toEqual(['stock']);
    expect(shop.port).toBe(8080);
    expect(shop.volumes).toEqual([
      { type: 'volume', source: 'shop-data', target: '/data', readOnly: false },
      { type: 'bind', source: '/srv/config', target: '/config', readOnly: true },
    ]);
    expect(stack.warnings.join('\n')).toContain('FROM_SHELL has no value');
  });

  it('reads a healthcheck in milliseconds, a command string split as a shell does, expose as the port', () => {
    const stock = stack.services.stock!;
    expect(stock.healthcheck).toEqual({ test: ['CMD', 'wget', '-q', 'http://127.0.0.1:9090/healthz'], intervalMs: 500, timeoutMs: 2000, retries: 10, startPeriodMs: 90_000 });
    expect(stock.command).toEqual(['node', 'server.mjs', '--name', 'big stock']);
    expect(stock.port).toBe(9090);
  });

  it('knows a build-only service has no image, a list depends_on, a disabled healthcheck', () => {
    const worker = stack.services.worker!;
    expect(worker.image).toBeUndefined();
    expect(worker.dependsOn).toEqual(['stock']);
    expect(worker.healthcheck).toEqual({ test: ['NONE'] });
  });

  it('reads the 3.x long port syntax and a string healthcheck test', () => {
    const v3 = normalizeComposeConfig(parseYaml('services:\n  a:\n    image: x\n    ports:\n    - target: 3000\n    healthcheck:\n      test: wget -q localhost:3000\n'), 'f');
    expect(v3.services.a!.port).toBe(3000);
    expect(v3.services.a!.healthcheck?.test).toEqual(['CMD-SHELL', 'wget -q localhost:3000']);
  });
});

describe('compose values', () => {
  it('parses compose durations', () => {
    expect(parseComposeDuration('500ms')).toBe(500);
    expect(parseComposeDuration('1m30s')).toBe(90_000);
    expect(parseComposeDuration('1h')).toBe(3_600_000);
    expect(parseComposeDuration(2)).toBe(2000);
    expect(() => parseComposeDuration('soon')).toThrow(DrillbitError);
  });

  it('splits commands as a POSIX shell would, without expansion', () => {
    expect(splitCommand(`node  server.mjs --x "a b" 'c d' e\\ f "q\\"x" $HOME`)).toEqual(['node', 'server.mjs', '--x', 'a b', 'c d', 'e f', 'q"x', '$HOME']);
    expect(splitCommand(`a "" b`)).toEqual(['a', '', 'b']);
    expect(() => splitCommand('a "b')).toThrow(/unterminated/);
  });

  it('rewrites <dependency>:<port> to the link placeholder, and nothing else', () => {
    const deps = { stock: 8080, 'db.main': 5432 };
    expect(rewriteServiceAddresses('http://stock:8080', deps)).toBe('http://{addr:stock}');
    expect(rewriteServiceAddresses('http://stock:8080/api?x=1', deps)).toBe('http://{addr:stock}/api?x=1');
    expect(rewriteServiceAddresses('stock:8080,db.main:5432', deps)).toBe('{addr:stock},{addr:db.main}');
    expect(rewriteServiceAddresses('postgres://u:p@db.main:5432/x', deps)).toBe('postgres://u:p@{addr:db.main}/x');
    expect(rewriteServiceAddresses('http://stock:80', deps)).toBe('http://stock:80');
    expect(rewriteServiceAddresses('http://instock:8080', deps)).toBe('http://instock:8080');
    expect(rewriteServiceAddresses('http://stock:80801', deps)).toBe('http://stock:80801');
    expect(rewriteServiceAddresses('http://dbxmain:5432', deps)).toBe('http://dbxmain:5432');
  });
});

describe('dependency start order', () => {
  const service = (dependsOn: string[], dependency = true) => ({ replicas: 1, strategy: 'recreate' as const, dependsOn, ...(dependency ? { startWith: {} as never } : {}) });

  it('starts each dependency after the ones it depends on, a level at a time; deployed services are not started', () => {
    const order = dependencyStartOrder({ services: { shop: service(['api', 'cache'], false), api: service(['db', 'cache']), db: service([]), cache: service([]) } });
    expect(order).toEqual([['db', 'cache'], ['api']]);
  });

  it('refuses a cycle', () => {
    expect(() => dependencyStartOrder({ services: { a: service(['b']), b: service(['a']) } })).toThrow(/cycle: a, b/);
  });
});
