// Answering a catch-up pull on a link, shared by a core's transaction port (cluster-net.ts) and
// the backup port (backup-net.ts): the answer's frames when it is ready (a store copy may be built
// by a worker), the reason when the answerer refuses (PullRefused), a closed link for a broken
// frame or any other failure.

import { decodePull, encodeAnswer, encodeRefusal, PullRefused, type PullAnswer } from '../../cluster/catchup.js';
import type { FramedLink } from './framed-tcp.js';

export function answerPullFrame(
  link: FramedLink, frame: Uint8Array, answer: (afterTxId: number, sideIndex: number, wantedTxId: number) => PullAnswer | Promise<PullAnswer>,
): void {
  let pull: ReturnType<typeof decodePull>;
  try {
    pull = decodePull(frame);
  } catch {
    return link.close();
  }
  let answered: PullAnswer | Promise<PullAnswer>;
  try {
    answered = answer(pull.afterTxId, pull.sideIndex, pull.wantedTxId);
  } catch (error) {
    answered = Promise.reject(error);
  }
  void Promise.resolve(answered).then((ready) => {
    for (const out of encodeAnswer(pull.request, ready)) if (!link.send(out)) return link.close();
  }, (error: unknown) => {
    if (!(error instanceof PullRefused) || !link.send(encodeRefusal(pull.request, error.message))) link.close();
  });
}
