import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MAIN, TEST_PASSWORD, runOnTerminal, runShell, startConsoleInTempHome } from './shell-harness.js';

// util-linux `script` gives the shell a real terminal, which is what makes it interactive.
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('interactive shell on a terminal: prompt, table output, transaction prompt, :exit', { skip: haveScript ? false : 'util-linux `script` is not installed; cannot give the shell a terminal', timeout: 60_000 }, async () => {
  // Proves the REPL path end to end: welcome line, neo4j@neo4j> prompt, verbose tables by default, # inside :begin.
  const server = await startConsoleInTempHome('causeway-repl-');
  try {
    const command = `'${process.execPath}' '${MAIN}' shell -a ${server.address} -u neo4j -p ${TEST_PASSWORD}`;
    const input = 'RETURN 1 AS x,\n"two" AS y;\n:begin\nCREATE (:Repl);\n:commit\nMATCH (n:Repl) RETURN count(n) AS n;\n:exit\n';
    const { code, output } = await runOnTerminal(command, input, 'interactive shell');
    assert.equal(code, 0, output);
    assert.match(output, /Connected to .* at bolt:\/\/127\.0\.0\.1:\d+ as user neo4j\./);
    assert.match(output, /neo4j@neo4j> /);
    assert.match(output, /\| x \| y     \|/);
    assert.match(output, /\| 1 \| "two" \|/);
    assert.match(output, /neo4j@neo4j# /);
    assert.match(output, /\| n \|\s*\r?\n\+-+\+\s*\r?\n\| 1 \|/);
  } finally {
    await server.close();
  }
});

test('--change-password asks twice on the terminal and the new password is the one that works', { skip: haveScript ? false : 'util-linux `script` is not installed; cannot give the shell a terminal', timeout: 60_000 }, async () => {
  // Proves the newcomer's flow: a fresh server's neo4j/neo4j must be changed, and cypher-shell's --change-password does it.
  const server = await startConsoleInTempHome('causeway-passwd-', { NEO4J_AUTH: '' });
  try {
    const address = server.address;
    const expired = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', 'RETURN 1 AS ok']);
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /must be changed before you can use this instance/);
    const command = `'${process.execPath}' '${MAIN}' shell -a ${address} -u neo4j -p neo4j --change-password`;
    const { code, output } = await runOnTerminal(command, 'fresh-secret-1\nfresh-secret-1\n', '--change-password');
    assert.equal(code, 0, output);
    // The terminal itself echoes input typed before the shell starts; from the first prompt on, only stars.
    const afterPrompt = output.slice(output.indexOf('new password: '));
    assert.match(afterPrompt, /^new password: \*+/);
    assert.doesNotMatch(afterPrompt, /fresh-secret-1/);
    const withNew = await runShell(['-a', address, '-u', 'neo4j', '-p', 'fresh-secret-1', 'RETURN 1 AS ok']);
    assert.equal(withNew.stdout, 'ok\n1\n', withNew.stderr);
    const withOld = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', 'RETURN 1 AS ok']);
    assert.equal(withOld.code, 1);
  } finally {
    await server.close();
  }
});

test('a fresh server on a terminal: the shell says "Password change required", changes it, and carries on', { skip: haveScript ? false : 'util-linux `script` is not installed; cannot give the shell a terminal', timeout: 60_000 }, async () => {
  // Proves the newcomer's first login as cypher-shell does it: neo4j/neo4j, then the new password twice, then queries.
  const server = await startConsoleInTempHome('causeway-firstlogin-', { NEO4J_AUTH: '' });
  try {
    const command = `'${process.execPath}' '${MAIN}' shell -a ${server.address} -u neo4j -p neo4j`;
    const { code, output } = await runOnTerminal(command, 'first-secret-1\nfirst-secret-1\nRETURN 7 AS seven;\n:exit\n', 'first login');
    assert.equal(code, 0, output);
    assert.match(output, /Password change required/);
    assert.match(output, /\| seven \|[\s\S]*\| 7 /);
    const withNew = await runShell(['-a', server.address, '-u', 'neo4j', '-p', 'first-secret-1', 'RETURN 1 AS ok']);
    assert.equal(withNew.stdout, 'ok\n1\n', withNew.stderr);
  } finally {
    await server.close();
  }
});
