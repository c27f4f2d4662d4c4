import { LEVITY_PROGRAMS, type SpawnedProcess, spawnProcess } from "@levity/testkit";
import { onTestFinished } from "vitest";

/** The parts of levity-sim's JSON summary the chaos cases read. */
export interface SimSummary {
  readonly connects: number;
  readonly reconnects: number;
  readonly calls: number;
  readonly callsByAction: Readonly<Record<string, number>>;
  readonly callErrors: Readonly<Record<string, number>>;
  readonly misbehaviour: {
    readonly schemaInvalid: number;
    readonly unexpectedCallError: number;
    readonly timeouts: number;
  };
  readonly misbehaved: boolean;
}

/**
 * A levity-sim fleet running in its own process until `finish` stops it, or until the test that
 * started it ends (a failed test must not leave thousands of charge points running). A fleet
 * started in `beforeAll` for several tests lives until `kill`, which the suite's `afterAll` calls.
 */
export class SimRun {
  readonly process: SpawnedProcess;

  constructor(args: readonly string[], lifetime: "test" | "suite" = "test") {
    this.process = spawnProcess(process.execPath, [LEVITY_PROGRAMS.sim, ...args]);
    if (lifetime === "test") onTestFinished(() => this.kill());
  }

  /** Kills the fleet at once (SIGKILL). */
  async kill(): Promise<void> {
    await this.process.stop("SIGKILL");
  }

  /** Stops the fleet (SIGTERM: every charge point disconnects cleanly) and reads its summary. */
  async finish(): Promise<{ exitCode: number | null; summary: SimSummary }> {
    if (this.process.running) this.process.child.kill("SIGTERM");
    const status = await this.process.exited;
    const output = this.process.output;
    const start = output.lastIndexOf("\n{\n");
    const json = start >= 0 ? output.slice(start + 1) : output.slice(output.indexOf("{"));
    return { exitCode: status.code, summary: JSON.parse(json) as SimSummary };
  }
}
