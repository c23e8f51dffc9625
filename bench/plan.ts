/** What a bench run measures, and how much: the command-line flags and the plan they select. */

const KNOWN_FLAGS = new Set(['--json', '--quick', '--with-synth', '--with-tests']);

export interface Flags {
  readonly json: boolean;
  readonly quick: boolean;
  readonly withSynth: boolean;
  readonly withTests: boolean;
}

export interface Plan {
  readonly tokens: number;
  readonly rounds: number;
  readonly batch: number;
  readonly warmup: { readonly rounds: number; readonly ms: number };
  readonly coldRuns: number;
  /** Runs per bundle of the cold first decision under valgrind, counting instructions (0: not counted). */
  readonly instructionRuns: number;
  readonly memory: { readonly warmup: number; readonly decisions: number };
  readonly gatewaySeconds: number;
  /** The full-reload measure writes sign-outs (one per second, newest first) until older ones add nothing, or this many. */
  readonly fullReloadCapItems: number;
  /** Decisions that pull right after a new revocation, and the revocations the store holds meanwhile. */
  readonly revocation: {
    readonly pulls: number;
    readonly storedSessions: number;
    readonly storedUsers: number;
    readonly ratePerInstance: number;
  };
}

export function parseFlags(argv: readonly string[]): Flags {
  const unknown = argv.filter((arg) => !KNOWN_FLAGS.has(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (known: ${[...KNOWN_FLAGS].join(' ')})`);
  return {
    json: argv.includes('--json'),
    quick: argv.includes('--quick'),
    withSynth: argv.includes('--with-synth'),
    withTests: argv.includes('--with-tests'),
  };
}

export function planFor(flags: Flags): Plan {
  return flags.quick
    ? {
        tokens: 4000,
        rounds: 7,
        batch: 100,
        warmup: { rounds: 1, ms: 500 },
        coldRuns: 6,
        instructionRuns: 1,
        memory: { warmup: 500, decisions: 5_000 },
        gatewaySeconds: 2,
        fullReloadCapItems: 1200,
        revocation: { pulls: 10, storedSessions: 100, storedUsers: 10, ratePerInstance: 100 },
      }
    : {
        tokens: 4000,
        rounds: 201,
        batch: 300,
        warmup: { rounds: 3, ms: 3000 },
        // The budgets judge paired differences of a few ms against a spread of ±6 ms per run.
        coldRuns: 60,
        instructionRuns: 3,
        memory: { warmup: 2_000, decisions: 100_000 },
        gatewaySeconds: 5,
        // A day of sign-outs: far past any reload reach an access token's lifetime implies.
        fullReloadCapItems: 86_400,
        revocation: { pulls: 50, storedSessions: 1000, storedUsers: 100, ratePerInstance: 100 },
      };
}
