// Questions asked on the terminal (user name, passwords). One readline interface serves every
// question, so answers typed ahead of their prompt are not lost between questions.

import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** answers typed ahead beyond this are dropped (nobody types a dozen passwords ahead) */
const MAX_TYPED_AHEAD = 16;

export class TerminalPrompter {
  private rl: Interface | undefined;
  /** lines typed before their question was asked */
  private readonly typedAhead: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  /** the question whose answer is being typed, when that answer must not be echoed */
  private hiddenQuestion: string | undefined;

  constructor(private readonly input: Readable, private readonly output: Writable) {}

  private open(): Interface {
    if (this.rl !== undefined) return this.rl;
    const rl = createInterface({ input: this.input, output: this.output, terminal: true });
    // readline has no public "mute" switch; echoing through this hook is the usual way to mask input.
    const internals = rl as unknown as { _writeToOutput: (text: string) => void };
    const original = internals._writeToOutput.bind(rl);
    internals._writeToOutput = (text: string) => {
      const question = this.hiddenQuestion;
      if (question === undefined) return original(text);
      this.output.write(text.startsWith(question) ? question + '*'.repeat(text.length - question.length) : text.replace(/[^\r\n]/g, '*'));
    };
    rl.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting !== undefined) waiting(line);
      else if (this.typedAhead.length < MAX_TYPED_AHEAD) this.typedAhead.push(line);
    });
    this.rl = rl;
    return rl;
  }

  async ask(question: string, hidden: boolean): Promise<string> {
    const rl = this.open();
    this.hiddenQuestion = hidden ? question : undefined;
    try {
      rl.setPrompt(question);
      rl.prompt();
      const early = this.typedAhead.shift();
      if (early !== undefined) return early;
      return await new Promise<string>((resolve) => { this.waiting = resolve; });
    } finally {
      if (hidden) this.output.write('\n');
      this.hiddenQuestion = undefined;
    }
  }

  /** Closes the prompt; lines typed ahead beyond the answers go back to the input for whoever reads next (the REPL). */
  close(): void {
    this.rl?.close();
    this.rl = undefined;
    const leftover = this.typedAhead.splice(0);
    if (leftover.length > 0) this.input.unshift(Buffer.from(`${leftover.join('\n')}\n`));
  }
}
