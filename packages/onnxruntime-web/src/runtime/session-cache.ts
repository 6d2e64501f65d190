import { encodeModel, type GraphSpec } from '../onnx/onnx-model.js';
import type { ExecutionProviders, OrtModule, OrtSession } from './ort-runtime.js';

/** Options of the sessions a cache creates. */
export interface SessionSettings {
  /** Default `['wasm']`. With `['webgpu']`, nodes the EP lacks (the float64 sums) fall back to wasm. */
  readonly executionProviders?: ExecutionProviders;
}

/**
 * Creates each session once per graph key (variant, options, dtypes) and reuses it; `dispose()`
 * releases them all. Concurrent requests for the same key share one creation.
 */
export class SessionCache {
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  /** Milliseconds spent building graphs and creating sessions, for benchmarks. */
  creationMilliseconds = 0;

  constructor(
    readonly ort: OrtModule,
    readonly settings: SessionSettings = {},
  ) {}

  /** The session for `key`, building its graph with `build` the first time. */
  session(key: string, build: () => GraphSpec): Promise<OrtSession> {
    let session = this.sessions.get(key);
    if (session === undefined) {
      const started = Date.now();
      const bytes = encodeModel({ graph: build() });
      session = this.ort.InferenceSession.create(bytes, {
        executionProviders: this.settings.executionProviders ?? ['wasm'],
        graphOptimizationLevel: 'all',
      }).then((created) => {
        this.creationMilliseconds += Date.now() - started;
        return created;
      });
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /** How many sessions are alive. */
  get size(): number {
    return this.sessions.size;
  }

  /** Releases every session. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) {
      try {
        await (await session).release();
      } catch {
        // A session that failed to create has nothing to release.
      }
    }
  }
}
