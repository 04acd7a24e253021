import type { Tx } from '../platform/db/index.ts';
import { notFound } from '../platform/errors.ts';
import * as repo from './test-data.repository.ts';

/**
 * Test data: what an organization's test keys see and write, and whose events go to
 * its test webhook endpoints only. A matter made with a test key is test data from the
 * start; an org_admin marks an existing matter (a demo or training file) here, or
 * returns it to live data. Its documents follow the matter.
 */
export async function markTestData(tx: Tx, matterId: string, testData: boolean) {
  const row = await repo.setMatterTestData(tx, matterId, testData);
  if (!row) throw notFound();
  return { id: row.id, testData: row.test_data };
}
