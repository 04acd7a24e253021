// The lists the API phase reads, made through the API as a lawyer would: ten matters, ten small PDFs in the first.
import type { FastifyInstance } from 'fastify';
import { multipart, pdf } from '../../test/helpers/documents.ts';

export async function seedWorkspace(app: FastifyInstance, accessToken: string): Promise<string> {
  const authorization = `Bearer ${accessToken}`;
  const matterIds: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { authorization },
      payload: { title: `Bench matter ${i}` },
    });
    if (res.statusCode !== 201) throw new Error(`seeding a matter: ${res.statusCode} ${res.body}`);
    matterIds.push((res.json() as { id: string }).id);
  }
  for (let i = 0; i < 10; i++) {
    const body = multipart([
      { filename: `bench-${i}.pdf`, content: pdf(`bench ${i}`), contentType: 'application/pdf' },
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterIds[0]}/documents`,
      headers: { authorization, ...body.headers },
      payload: body.payload,
    });
    if (res.statusCode !== 201) throw new Error(`seeding a document: ${res.statusCode} ${res.body}`);
  }
  return matterIds[0]!;
}
