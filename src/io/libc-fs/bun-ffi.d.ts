// The part of bun's `bun:ffi` that src/io/libc-fs uses; only the Linux binaries load that module.
declare module "bun:ffi" {
  type FFITypeName = "ptr" | "i32" | "u32" | "u64" | "i64" | "i64_fast";
  export const FFIType: { readonly [Name in FFITypeName]: Name };
  export function dlopen(
    path: string,
    symbols: Readonly<
      Record<string, { readonly args: readonly FFITypeName[]; readonly returns: FFITypeName }>
    >,
  ): { readonly symbols: Readonly<Record<string, (...args: never[]) => unknown>> };
  export const read: { i32(pointer: number, byteOffset: number): number };
}
