import type { KubeObject } from '../../manifest';
import { crdInfo, crdSchemaSource, type CrdInfo } from './crd';
import type { SchemaSource } from './types';

/** What reading a cluster's CRDs needs of a cluster client (policy does not import the cluster module). */
export interface CrdLister {
  list(gvk: { group: string; version: string; kind: string }): Promise<{ items: KubeObject[] }>;
}

/**
 * The schemas of the custom resources a live cluster serves: its CRDs' openAPIV3Schema, as the
 * source `cluster:<context>`. Throws what the listing throws (forbidden, unreachable).
 */
export async function clusterCrdSchemaSource(context: string, client: CrdLister): Promise<{ source: SchemaSource; crds: number }> {
  const { items } = await client.list({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' });
  const crds = items.map((o) => crdInfo(o)).filter((c): c is CrdInfo => !!c);
  return { source: crdSchemaSource(`cluster:${context}`, crds), crds: crds.length };
}
