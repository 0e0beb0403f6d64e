import fc from "fast-check";

/**
 * One seed for every property file, printed so that a failure can be replayed exactly:
 * `KCC_PROPERTY_SEED=<seed> npm run test:stress`. Fixed by default, so the suite is the same run every
 * time; set it to explore other inputs.
 */
export function configureProperties(numRuns: number): void {
  const seed = Number(process.env["KCC_PROPERTY_SEED"] ?? "20240610");
  if (!Number.isSafeInteger(seed)) throw new Error("KCC_PROPERTY_SEED must be an integer");
  console.log(`property seed ${seed} (KCC_PROPERTY_SEED), ${numRuns} runs per property`);
  fc.configureGlobal({ seed, numRuns, endOnFailure: true });
}
