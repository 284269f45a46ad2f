import { describe, expect, it } from 'vitest';
import { buildBaseImageArchive } from './base-image.ts';

describe('base image archive', () => {
  it('is deterministic: the same host node gives the same image ID', async () => {
    const a = await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:det');
    const b = await buildBaseImageArchive({ node: process.execPath }, 'drillbit/node-base:det');
    expect(a.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.imageId).toBe(a.imageId);
    expect(a.archive.equals(b.archive)).toBe(true);
  });
});
