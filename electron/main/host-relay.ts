/**
 * The main process's side of the host process (engine/host/host-process.ts): it starts the host, relays the
 * window's requests to it and its answers and pushes back, and restarts it when it dies. It holds no app
 * behaviour and imports nothing of Electron (./utility-host.ts is the Electron wiring), so it is tested in
 * plain Node against the real host forked as a child process.
 *
 * Rules:
 * - Every request gets exactly one Reply, never a rejection: the host's answer; TRANSPORT when the host died
 *   with it in hand (it may or may not have taken effect, as with a dropped connection); NOT_READY when no
 *   host will answer (the relay is closed, or gave up restarting).
 * - Requests made while the host starts (or restarts) wait for it, at most MAX_WAITING of them.
 * - A host that dies without being asked to is reported (an `engine.status` push with status `error`, and
 *   the log) and started again after a pause that doubles with each recent death; after `maxCrashes` deaths
 *   within `crashWindowMs` it is left stopped and reported so. A host that cannot open its data (`failed`)
 *   counts as a death: it is stopped and restarted the same way.
 * - Messages from the host that are not FromHost are logged and dropped.
 */
import { events, type EventFrame, type EventName, type EventPayload, type Health } from '../../engine/protocol/api';
import type { ApiErrorBody } from '../../engine/protocol/errors';
import { parseFromHost, type HostStart, type SessionPicked } from '../../engine/protocol/host-channel';
import type { Reply, RequestFrame } from '../../engine/protocol/wire';

/** A started host process, as the relay drives it. */
export interface HostChild {
  /** Must not throw: a message to a process that has just died is dropped (onExit follows). */
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process has ended (code, or the signal that ended it). */
  onExit(listener: (how: number | string | null) => void): void;
  /** Ends the process (it may take a moment; onExit says when). */
  kill(): void;
}

export interface HostRelayOptions {
  /** Starts a host process; called again for each restart. */
  spawn: () => HostChild;
  /** What each host is started with. */
  start: Omit<HostStart, 'type'>;
  log?: (line: string) => void;
  /** Called when a host started after a death is ready: what the window showed may be stale. */
  onRestarted?: () => void;
  /** Deaths within crashWindowMs after which the relay stops restarting (default 5 in 60 s). */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** Pause before the first restart, doubled for each further recent death up to 5 s (default 250 ms). */
  restartDelayMs?: number;
  /** How long close() lets the host close its databases before ending it (default 5 s). */
  shutdownTimeoutMs?: number;
}

/** Requests that may wait for a starting host; more than this are answered NOT_READY at once. */
export const MAX_WAITING = 1_000;
const MAX_RESTART_DELAY_MS = 5_000;

type State = 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped' | 'gave-up';
type Outgoing = RequestFrame | SessionPicked;

export class HostRelay {
  private state: State = 'starting';
  private child: HostChild | null = null;
  private nextId = 1;
  /** Sent to the current host, awaiting its answer. */
  private readonly inFlight = new Map<number, (reply: Reply) => void>();
  /** Waiting for a host to be ready. */
  private waiting: { message: Outgoing; resolve: (reply: Reply) => void }[] = [];
  private readonly listeners = new Set<(frame: EventFrame) => void>();
  private readonly crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  /** Why the current host cannot serve, as it said before it was stopped (`failed`). */
  private hostProblem = '';
  /** Why the relay gave up. */
  private gaveUpBecause = '';
  private schemaVersion = 0;
  private restarted = false;
  private closing: Promise<void> | undefined;
  /** Settles close() once the host has exited. */
  private stopped: () => void = () => {};
  private readonly log: (line: string) => void;

  constructor(private readonly options: HostRelayOptions) {
    this.log = options.log ?? ((line) => console.error(`[host] ${line}`));
    this.launch();
  }

  /** A request from the window, answered by the host. */
  invoke(method: string, params: unknown): Promise<Reply> {
    return this.send((id) => ({ type: 'request', id, method, params }));
  }

  /** A session file the user picked in the main process's dialog; answered with the host's handle for it. */
  sessionPicked(path: string): Promise<Reply> {
    return this.send((id) => ({ type: 'session.picked', id, path }));
  }

  /** Hear every push: the host's events and the relay's own reports. */
  onPush(listener: (frame: EventFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * An event that starts in the main process (a menu item or deep link asking the UI to navigate), checked
   * like the host's own. One that fails its schema is logged and dropped (false): what a deep link carries
   * comes from outside the app, and must not throw in the main process.
   */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): boolean {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      this.log(`dropped the event ${name}: it fails its schema: ${describe(payload)}`);
      return false;
    }
    this.push({ name, payload: checked.data } as EventFrame);
    return true;
  }

  /** Asks the host to close its databases and stop; ends it if it has not within shutdownTimeoutMs. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearTimeout(this.restartTimer);
      const child = this.child;
      this.state = 'stopping';
      this.failWaiting({ code: 'NOT_READY', message: 'the app is closing' });
      if (!child) {
        this.state = 'stopped';
        return resolve();
      }
      const timer = setTimeout(() => child.kill(), this.options.shutdownTimeoutMs ?? 5_000);
      this.stopped = () => {
        clearTimeout(timer);
        resolve();
      };
      child.postMessage({ type: 'shutdown' });
    });
    return this.closing;
  }

  private send(make: (id: number) => Outgoing): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const message = make(this.nextId++);
      if (this.state === 'ready' && this.child) {
        this.inFlight.set(message.id, resolve);
        this.child.postMessage(message);
      } else if (this.state === 'starting' || this.state === 'restarting') {
        if (this.waiting.length >= MAX_WAITING)
          resolve(notReady('the local engine is starting; too many requests are waiting for it'));
        else this.waiting.push({ message, resolve });
      } else {
        resolve(
          notReady(
            this.state === 'gave-up' ? `the local engine is stopped: ${this.gaveUpBecause}` : 'the app is closing',
          ),
        );
      }
    });
  }

  private launch(): void {
    this.state = 'starting';
    this.hostProblem = '';
    let child: HostChild;
    try {
      child = this.options.spawn();
    } catch (err) {
      this.died(`could not be started (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    this.child = child;
    child.onMessage((message) => {
      if (this.child === child) this.receive(message);
    });
    child.onExit((how) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.state === 'stopping') {
        this.state = 'stopped';
        this.failInFlight({ code: 'NOT_READY', message: 'the app is closing' });
        this.stopped();
        return;
      }
      this.died(this.hostProblem || `stopped (exit ${how ?? 'unknown'})`);
    });
    child.postMessage({ type: 'start', ...this.options.start } satisfies HostStart);
  }

  private receive(raw: unknown): void {
    const message = parseFromHost(raw);
    if (!message) {
      this.log(`dropped a message that is not part of the host protocol: ${describe(raw)}`);
      return;
    }
    switch (message.type) {
      case 'response': {
        const resolve = this.inFlight.get(message.id);
        if (!resolve) {
          // id -1: the host could not read a message at all. Nothing the relay sends should get one.
          if (!message.ok) this.log(`the host refused a message: ${message.error.message}`);
          return;
        }
        this.inFlight.delete(message.id);
        resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
        return;
      }
      case 'event': {
        const { type: _type, ...frame } = message;
        this.push(frame as EventFrame);
        return;
      }
      case 'ready': {
        if (this.state !== 'starting') return;
        this.state = 'ready';
        this.schemaVersion = message.health.schemaVersion;
        this.push({ name: 'engine.status', payload: message.health });
        for (const { message: queued, resolve } of this.waiting) {
          this.inFlight.set(queued.id, resolve);
          this.child!.postMessage(queued);
        }
        this.waiting = [];
        if (this.restarted) this.options.onRestarted?.();
        return;
      }
      case 'failed': {
        // It answers nothing from here on; stop it and let the exit take the restart path.
        this.hostProblem = `could not open its data: ${message.error.message}`;
        this.child?.kill();
        return;
      }
    }
  }

  /** The host is gone without being asked to stop: report it, then restart it or give up. */
  private died(problem: string): void {
    this.failInFlight({
      code: 'TRANSPORT',
      message: 'the local engine stopped before answering; check whether the request took effect',
    });
    const now = Date.now();
    const window = this.options.crashWindowMs ?? 60_000;
    this.crashes.push(now);
    while (this.crashes.length && this.crashes[0] <= now - window) this.crashes.shift();
    const recent = this.crashes.length;
    if (recent >= (this.options.maxCrashes ?? 5)) {
      this.state = 'gave-up';
      this.gaveUpBecause = `it ${problem}, ${recent} times within ${Math.round(window / 1000)} s; restart the app`;
      this.log(`the local engine is stopped: ${this.gaveUpBecause}`);
      this.report('error', `the local engine is stopped: ${this.gaveUpBecause}`);
      this.failWaiting({ code: 'NOT_READY', message: `the local engine is stopped: ${this.gaveUpBecause}` });
      return;
    }
    const delay = Math.min((this.options.restartDelayMs ?? 250) * 2 ** (recent - 1), MAX_RESTART_DELAY_MS);
    this.state = 'restarting';
    this.restarted = true;
    this.log(`the local engine ${problem}; restarting it in ${delay} ms`);
    this.report('error', `the local engine ${problem}; restarting`);
    this.restartTimer = setTimeout(() => {
      this.report('starting', 'restarting the local engine');
      this.launch();
    }, delay);
  }

  private report(status: Health['status'], message: string): void {
    this.push({ name: 'engine.status', payload: { status, schemaVersion: this.schemaVersion, uptimeMs: 0, message } });
  }

  private push(frame: EventFrame): void {
    for (const listener of this.listeners) listener(frame);
  }

  private failInFlight(error: ApiErrorBody): void {
    const resolves = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const resolve of resolves) resolve({ ok: false, error });
  }

  private failWaiting(error: ApiErrorBody): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { resolve } of waiting) resolve({ ok: false, error });
  }
}

function notReady(message: string): Reply {
  return { ok: false, error: { code: 'NOT_READY', message } };
}

function describe(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return typeof value;
  }
}
