import { expect, it } from 'vitest';
import { isLocalEngine } from './engine-locality.ts';

it('tells this machine’s engines from other machines’', () => {
  for (const local of ['unix:///var/run/docker.sock', 'tcp://127.0.0.1:2375', 'tcp://127.1.2.3:2376', 'tcp://localhost:2375', 'tcp://[::1]:2375', 'npipe:////./pipe/docker_engine']) expect(isLocalEngine(local), local).toBe(true);
  for (const remote of ['tcp://10.0.0.5:2375', 'tcp://192.0.2.1:2375', 'tcp://docker.example.com:2376', 'ssh://user@host', 'tcp://128.0.0.1:2375', 'tcp://localhost.example.com:2375', 'not a url']) expect(isLocalEngine(remote), remote).toBe(false);
});
