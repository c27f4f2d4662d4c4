/**
 * A scenario charge point's time away from the central system (a reset's reboot, a reconnection
 * after its connection was lost), which its timeline's steps wait out: what the script has it do
 * next, firmware would do once back.
 */
export class Absence {
  #over: Promise<void> = Promise.resolve();

  /** Comes back along `way` once the absence under way, if any, is over; resolves once it is. */
  comeBack(way: () => Promise<void>): Promise<void> {
    this.#over = this.#over.then(way);
    return this.#over;
  }

  /** Resolves once no absence is under way, one that began while waiting included. */
  async over(): Promise<void> {
    let awaited: Promise<void>;
    do {
      awaited = this.#over;
      await awaited;
    } while (awaited !== this.#over);
  }
}
