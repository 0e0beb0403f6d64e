/**
 * The part of bun's native FFI that the libc binding uses: `Bun.FFI`, the object the `bun:ffi`
 * module wraps. Type names are those `bun:ffi` documents for `dlopen`; bun's own types are not a
 * dependency here. Undefined outside bun.
 */
type NativeType = "ptr" | "i32" | "u32" | "u64" | "i64" | "i64_fast";

export type NativeSignatures = Readonly<
  Record<string, { readonly args: readonly NativeType[]; readonly returns: NativeType }>
>;

interface BunFfi {
  dlopen(path: string, symbols: NativeSignatures): { readonly symbols: Readonly<Record<string, unknown>> };
  readonly read: { i32(pointer: number, byteOffset: number): number };
}

export function bunFfi(): BunFfi | undefined {
  return (globalThis as { Bun?: { FFI?: BunFfi } }).Bun?.FFI;
}
