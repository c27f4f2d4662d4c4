import { describe, expect, it } from "vitest";
import {
  InProcessTransactionIdBlocks,
  MAX_TRANSACTION_ID,
  nextBlockStart,
  TransactionIdAllocator,
} from "../../src/transactions/transaction-ids.js";

describe("transaction id allocation", () => {
  it("hands out consecutive ids from reserved blocks", async () => {
    const allocator = new TransactionIdAllocator(new InProcessTransactionIdBlocks(), 3);
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await allocator.next());
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("reserves one block for concurrent callers, never the same id twice", async () => {
    let reservations = 0;
    const blocks = new InProcessTransactionIdBlocks();
    const counting = {
      reserve: (size: number) => {
        reservations += 1;
        return blocks.reserve(size);
      },
    };
    const allocator = new TransactionIdAllocator(counting, 10);
    const ids = await Promise.all(Array.from({ length: 25 }, () => allocator.next()));
    expect(new Set(ids).size).toBe(25);
    expect(reservations).toBe(3);
  });

  it("stays within a signed 32-bit integer, wrapping to 1", () => {
    expect(nextBlockStart(MAX_TRANSACTION_ID - 10, 100)).toBe(1);
    expect(nextBlockStart(MAX_TRANSACTION_ID - 100, 100)).toBe(MAX_TRANSACTION_ID - 99);
    expect(nextBlockStart(0, 100)).toBe(1);
  });

  it("continues after the last id it is told about", async () => {
    const allocator = new TransactionIdAllocator(new InProcessTransactionIdBlocks(500), 10);
    expect(await allocator.next()).toBe(501);
  });
});
