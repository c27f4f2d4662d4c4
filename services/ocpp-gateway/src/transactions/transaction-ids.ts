/** Where blocks of transaction ids come from: a counter shared by every gateway. */
export interface TransactionIdBlocks {
  /** Reserves `size` consecutive ids for this caller alone and returns the first. */
  reserve(size: number): Promise<number>;
}

/** The largest id many firmwares can hold: they store transactionId as a signed 32-bit integer. */
export const MAX_TRANSACTION_ID = 2_147_483_647;

/**
 * Hands out transaction ids from blocks reserved in a shared counter, so a StartTransaction
 * usually costs no round trip and two gateways never hand out the same id.
 */
export class TransactionIdAllocator {
  readonly #blocks: TransactionIdBlocks;
  readonly #blockSize: number;
  #next = 0;
  #end = 0;
  #refill: Promise<void> | undefined;

  constructor(blocks: TransactionIdBlocks, blockSize = 100) {
    this.#blocks = blocks;
    this.#blockSize = blockSize;
  }

  async next(): Promise<number> {
    while (this.#next >= this.#end) {
      this.#refill ??= this.#reserve().finally(() => {
        this.#refill = undefined;
      });
      await this.#refill;
    }
    const id = this.#next;
    this.#next += 1;
    return id;
  }

  async #reserve(): Promise<void> {
    const first = await this.#blocks.reserve(this.#blockSize);
    this.#next = first;
    this.#end = first + this.#blockSize;
  }
}

/** The first id of the block after the one ending at `last`, wrapping to 1 before int32 overflows. */
export function nextBlockStart(last: number, size: number): number {
  return last + size > MAX_TRANSACTION_ID ? 1 : last + 1;
}

/** Transaction id blocks from a counter in this process: for the all-in-one mode and tests. */
export class InProcessTransactionIdBlocks implements TransactionIdBlocks {
  #last: number;

  constructor(last = 0) {
    this.#last = last;
  }

  async reserve(size: number): Promise<number> {
    const first = nextBlockStart(this.#last, size);
    this.#last = first + size - 1;
    return first;
  }
}
