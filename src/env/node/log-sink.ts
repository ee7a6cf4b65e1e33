// Where log lines physically go.

export function stdoutLineSink(line: string): void {
  process.stdout.write(`${line}\n`);
}
