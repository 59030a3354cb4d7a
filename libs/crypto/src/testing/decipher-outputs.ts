/**
 * For tests of what a decryption leaves behind: every buffer `decipher.update` hands out while
 * `run` executes, so a test can check it was zeroed after a tag that did not verify.
 */
export function decipherOutputs(run: () => void): Buffer[] {
  // The module object itself (an import would spy on a copy of its exports).
  const nodeCrypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  const create = nodeCrypto.createDecipheriv;
  const handedOut: Buffer[] = [];
  const spy = jest.spyOn(nodeCrypto, 'createDecipheriv').mockImplementation(((...args: Parameters<typeof create>) => {
    const decipher = create(...args);
    const update = decipher.update.bind(decipher) as (data: Buffer) => Buffer;
    (decipher as unknown as { update: (data: Buffer) => Buffer }).update = (data: Buffer) => {
      const out = update(data);
      handedOut.push(out);
      return out;
    };
    return decipher;
  }) as typeof create);
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return handedOut;
}
