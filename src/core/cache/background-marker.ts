/**
 * How kcc-cache recognises the detached copy of itself that refreshes a credential ahead of expiry
 * (docs/background-refresh.md). Its own file because the entry checks it on every call.
 */

/**
 * Set only by kcc-cache in the environment of the background copy it starts: the storedAtMs of the
 * entry the serving process saw, so that the copy refreshes that entry and no newer one. Not a user
 * setting, and deliberately not named KUBE_CREDENTIAL_CACHE_*: a process that sets it by hand gets
 * nothing (it does not hold the refresh lock, which only kcc-cache hands over) and never a credential
 * on stdout, because the background copy prints none.
 */
export const BACKGROUND_CHILD_ENV = "KCC_INTERNAL_BACKGROUND_REFRESH";

/** The entry version handed to the background copy, or undefined when the value is not one. */
export function parseBackgroundMarker(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
}
