import { mergeKubeconfigNames, type KubeconfigNames } from "../../core/kubeconfig/kubeconfig-names.js";
import { readKubeconfigFile, resolveKubeconfigPaths } from "../../io/kubeconfig/kubeconfig-files.js";
import type { Runtime } from "../runtime.js";

/**
 * The contexts, clusters and users of the kubeconfig kubectl would use: $KUBECONFIG's files, else
 * ~/.kube/config. A relative KUBECONFIG entry resolves against the working directory, as kubectl's.
 */
export function readKubeconfigNames(runtime: Runtime): { names: KubeconfigNames; where: string } {
  const paths = resolveKubeconfigPaths([], runtime.env, runtime.platform.homedir, ".");
  const files = paths.map((path) => ({ label: path, text: readKubeconfigFile(path).text }));
  return { names: mergeKubeconfigNames(files), where: paths.join(", ") };
}
