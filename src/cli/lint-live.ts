import { createClusterClient, kubeconfigFiles, loadKubeconfig } from '../core/cluster';
import { clusterCrdSchemaSource, type SchemaSource } from '../core/policy';

/**
 * Schemas of the custom resources a live cluster serves (`lint --context NAME`): its CRDs'
 * openAPIV3Schema. A cluster that cannot be read gives a note, never a failure of the lint.
 */
export async function liveSchemaSources(context: string, env: NodeJS.ProcessEnv): Promise<{ sources: SchemaSource[]; note?: string; crds: number }> {
  let client;
  try {
    client = createClusterClient(loadKubeconfig(kubeconfigFiles(undefined, env)), context);
    const { source, crds } = await clusterCrdSchemaSource(context, client);
    return { sources: [source], crds };
  } catch (e) {
    return { sources: [], crds: 0, note: `the CRD schemas of context "${context}" are not used: ${(e as Error).message}` };
  } finally {
    client?.close();
  }
}
