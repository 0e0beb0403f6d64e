/*
 * A stand-in for Windows' bcryptprimitives.dll, for running the windows-x64 binary under wine in the
 * tests only (docs/windows.md, "How this is tested"). bun's Windows runtime imports one function from
 * that DLL, ProcessPrng, which wine 8 does not provide, so the binary would not even load. This one
 * fills the buffer from RtlGenRandom (exported by advapi32 as SystemFunction036), which wine does
 * implement on the host's random source. Built with MinGW (x86_64-w64-mingw32-gcc) by the test, never
 * shipped.
 */
#include <windows.h>

/* RtlGenRandom: no header declares it under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Windows' contract: fill `length` bytes, always TRUE. RtlGenRandom takes a ULONG, so in chunks. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
