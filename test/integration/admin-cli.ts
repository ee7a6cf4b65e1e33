// Runs the admin tool (`causeway admin …`) as a child process with a home directory as NEO4J_HOME,
// bounded in time, for the store-tool tests.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ADMIN_TIMEOUT_MS = 60_000;

export function admin(home: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, 'admin', ...args], { cwd: home, env: { PATH: process.env.PATH ?? '', NEO4J_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), ADMIN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
