import type { ProbeOutcome } from "../../core/store/backend-choice.js";
import { StoreError, errorSummary } from "../../core/errors.js";
import {
  encodeCall,
  replyOf,
  takeAuthLine,
  takeMessage,
  type DbusReply,
  type MethodCall,
} from "../../core/store/dbus-message.js";
import {
  DbusTimeoutError,
  HELLO,
  authenticationLines,
  authenticationRefused,
  helloFailed,
} from "./dbus-connection.js";
import { collectionOf, lockedCall, lockedOutcome, readAliasCall } from "./default-collection.js";
import type { LibcConnection } from "./libc-socket.js";
import {
  answerOf,
  getSecretCall,
  openSessionCall,
  openedSession,
  searchItemsCall,
  secretTextOf,
  sessionOf,
  unlockedItemsOf,
} from "./secret-service.js";

export interface AtOnceOptions {
  readonly uid: number;
  readonly timeoutMs: number;
  readonly allowActivation: boolean;
  /** The account read with the probe's questions. */
  readonly account: string;
}

/** The read's result: the account's value (undefined: no unlocked item holds it), or why it failed. */
type Read = { readonly value: string | undefined } | { readonly error: Error };

export interface AtOnce {
  readonly outcome: ProbeOutcome;
  /** Where the outcome is "ready": the default collection, the read's result and its session. */
  readonly ready?: {
    readonly collection: string;
    readonly read: Read;
    readonly session: string | undefined;
  };
  /** The last serial the exchange used, and what it read beyond its last reply: the connection's state. */
  readonly serial: number;
  readonly received: Buffer;
}

/**
 * A keyring hit's D-Bus exchange, synchronously, over the Linux binaries' libc socket: the probe's
 * questions and the read of one account, the same calls in the same order as the asynchronous
 * client's probe with its read-ahead (src/io/secret-store/probe.ts), and the same outcomes. Each
 * round goes out in one send and is read by blocking in poll(2), all under one deadline: no promise,
 * timer or turn of the event loop in between. Why: that machinery, run once per process, cost a
 * keyring hit more than the daemons' answers (docs/startup.md, "A keyring hit at once").
 *
 * The first round goes out now; `finish` reads the answers and asks the rest, so that the caller can
 * work while the daemons answer. `finish(whileWaiting)` also runs `whileWaiting` once, right after the
 * second round is sent and before it blocks for that round's answers: work of the caller's that does
 * not depend on them (docs/startup.md, "Replies read in one pass"). If it throws, the exchange goes on;
 * the caller, doing the work again, sees the error. The deadline counts from now. The connection is
 * left open: the caller closes it, or carries on over it.
 */
export function startExchange(
  options: AtOnceOptions,
  connection: LibcConnection,
): { readonly finish: (whileWaiting?: () => void) => AtOnce } {
  const { timeoutMs } = options;
  const untilMs = performance.now() + timeoutMs;
  const noAutoStart = !options.allowActivation;
  // By serial (ours run from 1 to a handful): an array, not a Map, whose first use costs a hit heap
  // blocks (docs/startup.md, "The heap's warm-up thread").
  const replies: (DbusReply | undefined)[] = [];
  let unsent: Uint8Array[] = [Buffer.from(authenticationLines(options.uid), "latin1")];
  let serial = 0;
  const ask = (message: MethodCall): number => {
    serial += 1;
    unsent.push(encodeCall(message, serial));
    return serial;
  };
  // The first round: the bus's greeting, the probe's first question and the read's first two.
  const hello = ask(HELLO);
  const alias = ask(readAliasCall(options.allowActivation));
  const session = ask(openSessionCall(noAutoStart));
  const search = ask(searchItemsCall(options.account, noAutoStart));
  let collection: string | undefined;
  let locked: number | undefined;
  let secret: number | undefined;
  let outcome: ProbeOutcome | undefined;
  let read: Read | undefined;

  /** Decides what the replies so far allow, and asks the second round's questions once it can. */
  const settle = (): void => {
    const greeted = replies[hello];
    if (greeted === undefined) return;
    if (!greeted.ok) {
      outcome = { state: "no-bus", detail: errorSummary(helloFailed(greeted)) };
      return;
    }
    const aliasReply = replies[alias];
    if (collection === undefined && aliasReply !== undefined) {
      const found = collectionOf(aliasReply);
      if ("outcome" in found) {
        outcome = found.outcome;
        return;
      }
      collection = found.collection;
      locked = ask(lockedCall(collection));
    }
    const lockedReply = locked === undefined ? undefined : replies[locked];
    if (outcome === undefined && collection !== undefined && lockedReply !== undefined)
      outcome = lockedOutcome(collection, lockedReply);
    // The read asks for the secret once the collection is known, as the asynchronous probe does.
    if (read !== undefined || collection === undefined) return;
    try {
      const found = replies[search];
      const opened = replies[session];
      if (secret === undefined && found !== undefined) {
        const [item] = unlockedItemsOf(answerOf("SearchItems", found));
        if (item === undefined) read = { value: undefined };
        else if (opened !== undefined)
          secret = ask(getSecretCall(item, sessionOf(answerOf("OpenSession", opened))));
      }
      const value = secret === undefined ? undefined : replies[secret];
      if (value !== undefined) read = { value: secretTextOf(answerOf("GetSecret", value)) };
    } catch (error) {
      read = { error: asError(error) };
    }
  };
  /** The exchange's end: its outcome and read, and the connection's state for whoever carries on. */
  const ending = (ended: ProbeOutcome, readEnded: Read): AtOnce => {
    const opened = replies[session];
    // A session the store can reuse; without one (not asked yet, refused) it opens its own.
    return {
      outcome: ended,
      ...(ended.state === "ready" && collection !== undefined
        ? {
            ready: {
              collection,
              read: readEnded,
              session: opened?.ok === true ? openedSession(opened.body) : undefined,
            },
          }
        : {}),
      serial,
      received: received ?? Buffer.alloc(0),
    };
  };

  let authenticated = false;
  let received: Buffer | undefined;
  const sendAsked = (): void => {
    if (unsent.length === 0) return;
    connection.send(Buffer.concat(unsent), timeoutMs);
    unsent = [];
  };
  /** Why the exchange cannot go on, as the asynchronous client would say it (see `exchange`). */
  const broken = (error: unknown): AtOnce => {
    // Before the bus has taken us there is no bus; after, an error.
    const detail = errorSummary(error);
    const accepted = authenticated && replies[hello]?.ok === true;
    return ending(
      outcome ?? { state: accepted ? "error" : "no-bus", detail },
      read ?? { error: asError(error) },
    );
  };
  let failed: { readonly error: unknown } | undefined;
  try {
    sendAsked();
  } catch (error) {
    failed = { error };
  }

  const exchange = (whileWaiting?: () => void): AtOnce => {
    if (failed !== undefined) return broken(failed.error);
    let idle = whileWaiting;
    try {
      for (;;) {
        settle();
        if (outcome !== undefined && (outcome.state !== "ready" || read !== undefined))
          return ending(outcome, read ?? { value: undefined });
        if (unsent.length > 0) {
          sendAsked();
          // The second round is out: the caller's own work runs while the daemons answer it.
          runQuietly(idle);
          idle = undefined;
        }
        const chunk = connection.receive(untilMs);
        if (chunk === undefined) break;
        received = received === undefined ? chunk : Buffer.concat([received, chunk]);
        if (!authenticated) {
          const answer = takeAuthLine(received);
          if (answer === undefined) continue;
          if (!answer.line.startsWith("OK")) throw authenticationRefused(answer.line);
          authenticated = true;
          received = answer.rest;
        }
        for (let next = takeMessage(received); next !== undefined; next = takeMessage(received)) {
          received = next.rest;
          const reply = replyOf(next.message);
          // Signals (NameAcquired after Hello) and anything not answering a question of ours are skipped.
          const to = next.message.replySerial ?? 0;
          if (reply !== undefined && to <= serial) replies[to] = reply;
        }
      }
    } catch (error) {
      return broken(error);
    }
    // The deadline passed: what was still awaited is a timeout, as the asynchronous deadlines say it.
    return ending(
      outcome ?? { state: "timeout", detail: `no answer within ${timeoutMs} ms` },
      read ?? { error: new DbusTimeoutError(`no answer on the D-Bus session bus within ${timeoutMs} ms`) },
    );
  };
  return { finish: exchange };
}

/** The caller's work, whose failure is its own to see when it does the work itself: not the exchange's. */
function runQuietly(work: (() => void) | undefined): void {
  try {
    work?.();
  } catch {
    // Left for the caller (see `finish`).
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new StoreError(String(error)));
