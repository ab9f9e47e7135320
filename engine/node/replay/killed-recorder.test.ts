import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../candles/testing/temp-dir';
import { generatedPaperSession } from '../../core/replay/generated-paper-market';
import { readSessionFile } from './session-reader';

const tempDir = useTempDirs('killed-recorder-');
const child = fileURLToPath(new URL('./testing/recorder-child.ts', import.meta.url));

/**
 * Runs the recorder child until it has recorded at least `minEvents` and the file on disk holds at least
 * `minBytes` (gzip output reaches the disk only at its periodic flushes), then SIGKILLs it.
 */
function recordThenKill(path: string, mode: 'plain' | 'gzip', minEvents: number, minBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let recorded = 0;
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d: Buffer) => (recorded = Number(d.toString().trim().split('\n').at(-1))));
    const poll = setInterval(() => {
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        // not created yet
      }
      if (recorded >= minEvents && size >= minBytes) {
        clearInterval(poll);
        proc.kill('SIGKILL');
      }
    }, 5);
    proc.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`recorder exited with ${code ?? signal} before it was killed: ${stderr}`));
    });
  });
}

describe('a recorder killed with SIGKILL', () => {
  it.each(['plain', 'gzip'] as const)('leaves a %s file whose records all read back, in order', async (mode) => {
    const path = join(tempDir(), `killed-${mode}.p777s`);
    await recordThenKill(path, mode, 3000, 4096);
    const session = readSessionFile(path);
    // Written up to the kill (gzip: up to its last flush), every record intact and in order.
    expect(session.records.length).toBeGreaterThan(mode === 'plain' ? 1000 : 10);
    const expected = generatedPaperSession({ seed: 1, startTime: session.header.startTime, durationMs: 3_600_000 });
    expect(session.records).toEqual(expected.slice(0, session.records.length));
  });
});
