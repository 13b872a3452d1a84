import { createClusterClient, kubeconfigFiles, loadKubeconfig } from '../core/cluster';
import { crdInfo, crdSchemaSource, type CrdInfo, type SchemaSource } from '../core/policy';

/**
 * Schemas of the custom resources a live cluster serves (`lint --context NAME`): its CRDs'
 * openAPIV3Schema. A cluster that cannot be read gives a note, never a failure of the lint.
 */
export async function liveSchemaSources(context: string, env: NodeJS.ProcessEnv): Promise<{ sources: SchemaSource[]; note?: string; crds: number }> {
  let client;
  try {
    client = createClusterClient(loadKubeconfig(kubeconfigFiles(undefined, env)), context);
    const { items } = await client.list({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' });
    const crds = items.map((o) => crdInfo(o)).filter((c): c is CrdInfo => !!c);
    return { sources: [crdSchemaSource(`cluster:${context}`, crds)], crds: crds.length };
  } catch (e) {
    return { sources: [], crds: 0, note: `the CRD schemas of context "${context}" are not used: ${(e as Error).message}` };
  } finally {
    client?.close();
  }
}
