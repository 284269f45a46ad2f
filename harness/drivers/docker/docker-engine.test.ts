import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { getDriver } from '../registry.ts';
import { demultiplex, dockerFromEnvironment, parseDockerUrl } from './docker-engine.ts';
import { DockerDriver } from './docker-driver.ts';

// No engine needed: these run everywhere.
describe('docker engine endpoint', () => {
  it('reads DOCKER_HOST from the environment the CLI passes, default the system socket', () => {
    expect(dockerFromEnvironment({})).toEqual({ url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
    expect(dockerFromEnvironment({ DOCKER_HOST: 'unix:///tmp/d.sock' })).toMatchObject({ socketPath: '/tmp/d.sock' });
    expect(parseDockerUrl('tcp://10.0.0.2:2375')).toMatchObject({ host: '10.0.0.2', port: 2375, protocol: 'http' });
    expect(parseDockerUrl('127.0.0.1:2375')).toMatchObject({ host: '127.0.0.1', port: 2375 });
    expect(() => parseDockerUrl('ssh://me@host')).toThrow(/ssh engines are not supported/);
    expect(() => dockerFromEnvironment({ DOCKER_HOST: 'tcp://h:2376' })).toThrow(/DOCKER_CERT_PATH is not set/);
  });

  it('is what getDriver("docker") uses', () => {
    const driver = getDriver('docker', { DOCKER_HOST: 'unix:///tmp/drillbit-elsewhere.sock' }) as DockerDriver;
    expect(driver.name).toBe('docker');
    expect(driver.engine.endpoint.url).toBe('unix:///tmp/drillbit-elsewhere.sock');
  });

  it('demultiplexes a non-TTY log stream', () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    expect(demultiplex(Buffer.concat([frame(1, 'out\n'), frame(2, 'err: boom\n')]))).toBe('out\nerr: boom\n');
    expect(demultiplex(Buffer.from('plain tty text\n'))).toBe('plain tty text\n');
  });

  it('no engine: resolveRelease and up fail as infrastructure (exit 3) with the hint, and start nothing', async () => {
    const socket = `/tmp/drillbit-no-engine-${process.pid}.sock`;
    const driver = DockerDriver.fromEnvironment({ DOCKER_HOST: `unix://${socket}` });
    const root = await mkdtemp(join(tmpdir(), 'drillbit-no-engine-'));
    try {
      const expected = { code: 'infrastructure', exitCode: 3, message: expect.stringContaining(`no Docker engine at unix://${socket}`), hint: expect.stringContaining('dockerd &') };
      await expect(driver.resolveRelease('shop', 'v1', 'fixtures/shop/v1', process.cwd(), { storeDir: join(root, 'store') })).rejects.toMatchObject(expected);
      const workDir = join(root, 'work');
      const ctx = { runId: 'no-engine', workDir, timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: new AbortController().signal };
      await expect(driver.up({ services: { shop: { replicas: 1, strategy: 'blue-green' } } }, ctx)).rejects.toMatchObject(expected);
      expect(existsSync(workDir)).toBe(false);
      expect(existsSync(join(root, 'store'))).toBe(false);
      expect(ctx.teardown.pending).toBe(0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
