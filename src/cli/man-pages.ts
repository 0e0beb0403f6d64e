// The man pages, built by scripts/build.mts into dist/man/ from the same descriptions as --help.
import { renderManPage } from "../core/command-doc/man-page.js";
import { CACHE_DOC } from "./cache-help.js";
import { INJECTOR_DOC } from "./injector-help.js";

declare const KCC_VERSION: string;

export function manPages(): { readonly name: string; readonly text: string }[] {
  return [CACHE_DOC, INJECTOR_DOC].map((doc) => ({
    name: `${doc.name}.1`,
    text: renderManPage(doc, KCC_VERSION),
  }));
}
