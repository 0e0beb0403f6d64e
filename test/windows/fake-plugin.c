/*
 * A scripted exec credential plugin for the tests that run the windows-x64 binary under wine
 * (test/e2e/windows-wine.test.ts; docs/windows.md, "How this is tested"). It is what
 * test/e2e/support/fake-plugin.ts's shell script is on Linux, as a Windows program: a .cmd plugin
 * passes it its arguments with %*, and a bare name reaches it through PATH and PATHEXT.
 *
 * Everything lives in the directory of the .exe (the test writes the settings there):
 *   runs      one line per run, appended when the run starts (so a test can count runs);
 *   args.N    run N's arguments as its C runtime read them, UTF-8, each followed by a NUL byte:
 *             what "reaches the plugin unchanged" is judged on;
 *   gated     if present, run N waits until the file "gate" exists (a test's gate, never a sleep);
 *   stdout    printed on stdout, byte for byte.
 * Built with MinGW (x86_64-w64-mingw32-gcc -municode) by the test, never shipped.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static wchar_t dir[MAX_PATH];

static void in_dir(wchar_t *out, const wchar_t *name) { _snwprintf(out, MAX_PATH, L"%ls\\%ls", dir, name); }

static int exists(const wchar_t *path) { return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES; }

/* Appends `length` bytes in one write: parallel runs never interleave within a line. */
static void append(const wchar_t *path, const char *bytes, DWORD length) {
  HANDLE file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, NULL);
  DWORD written;
  if (file == INVALID_HANDLE_VALUE) ExitProcess(90);
  if (length > 0 && !WriteFile(file, bytes, length, &written, NULL)) ExitProcess(91);
  CloseHandle(file);
}

/* Copies a file of the directory to a standard handle, if it exists. */
static void copy_to(const wchar_t *name, DWORD handle) {
  wchar_t path[MAX_PATH];
  char buffer[4096];
  DWORD got, written;
  HANDLE file;
  in_dir(path, name);
  file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE) return;
  while (ReadFile(file, buffer, sizeof buffer, &got, NULL) && got > 0) {
    WriteFile(GetStdHandle(handle), buffer, got, &written, NULL);
  }
  CloseHandle(file);
}

/* The number of lines in "runs": this run's number, once it has appended its own. */
static int count_runs(void) {
  wchar_t path[MAX_PATH];
  FILE *runs;
  int n = 0, c;
  in_dir(path, L"runs");
  runs = _wfopen(path, L"rb");
  if (runs == NULL) ExitProcess(92);
  while ((c = fgetc(runs)) != EOF) n += c == '\n';
  fclose(runs);
  return n;
}

int wmain(int argc, wchar_t **argv) {
  wchar_t path[MAX_PATH], name[32];
  wchar_t *slash;
  int n, i, waited;

  GetModuleFileNameW(NULL, dir, MAX_PATH);
  slash = wcsrchr(dir, L'\\');
  if (slash != NULL) *slash = 0;

  in_dir(path, L"runs");
  append(path, "run\n", 4);
  n = count_runs();

  _snwprintf(name, 32, L"args.%d", n);
  in_dir(path, name);
  append(path, "", 0);
  for (i = 1; i < argc; i++) {
    char utf8[32768];
    int length = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, utf8, sizeof utf8, NULL, NULL);
    if (length == 0) ExitProcess(93);
    append(path, utf8, (DWORD)length); /* the length counts the terminating NUL */
  }

  in_dir(path, L"gated");
  if (exists(path)) {
    in_dir(path, L"gate");
    /* Bounded (two minutes), so a run whose test is gone never lingers. */
    for (waited = 0; !exists(path); waited += 10) {
      if (waited > 120000) ExitProcess(71);
      Sleep(10);
    }
  }

  copy_to(L"stdout", STD_OUTPUT_HANDLE);
  return 0;
}
