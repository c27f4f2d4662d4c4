/** A command an automation sends: its idempotency key is the decision's id. */
export interface AutomationCommand {
  readonly cpId: string;
  readonly action: string;
  readonly request: Record<string, unknown>;
  readonly idempotencyKey: string;
  /** Unix ms past which it must not be sent. */
  readonly deadline: number;
}

/** What became of handing a command over: taken (stored, on its way), or why not. */
export type CommandHandOver =
  | { readonly ok: true; readonly commandId: string }
  /** `retry`: the command path could not be reached, and trying again before the deadline may work. */
  | { readonly ok: false; readonly retry: boolean; readonly error: string };

/**
 * The port through which automations send commands: the command path of the gateways, which
 * stores each command once per (asker, idempotency key) in the stream and sends it at most once,
 * however many processes hand the same one over. Adapters: the gateway's command service in the
 * same process (the all-in-one) and the command API over HTTP (`http-command-port.ts`).
 */
export interface CommandPort {
  send(command: AutomationCommand): Promise<CommandHandOver>;
}
