import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The UI assets ship with @nestjs/swagger (its swagger-ui-dist dependency, resolved through it); Nest
 * would serve them with @fastify/static, which is not installed, so three small routes do instead.
 */
const uiAssetsDir = (): string =>
  path.dirname(require.resolve('swagger-ui-dist/package.json', { paths: [path.dirname(require.resolve('@nestjs/swagger'))] }));
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'] as const;
// The API's CSP is default-src 'none'; the docs page needs its own scripts and styles, nothing remote.
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function clinicApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('OrthoLedger clinic API')
    .setDescription(
      'Patients and aligner cases. Every route needs a clinic-realm access token (password + TOTP). Commands answer ids and the new ' +
        'stream revision, which is also the ETag; send it back as If-Match for optimistic concurrency (412 on mismatch). ' +
        'Idempotency-Key (8-128 of A-Z a-z 0-9 . _ : -) makes a retried POST append nothing twice and answer the first result. ' +
        'Errors are {code, message, correlationId}.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Outside production: `/docs` (Swagger UI) and `/docs/openapi.json`. In production neither exists;
 * the document can still be produced at build time with `clinicApiDocument`. These are plain
 * Fastify routes outside the access guard: they describe the API and hold no data.
 */
export function serveOpenApi(app: NestFastifyApplication, production: boolean): void {
  if (production) return;
  let document: OpenAPIObject | undefined;
  const fastify = app.getHttpAdapter().getInstance();
  const assets = uiAssetsDir();
  fastify.get('/docs/openapi.json', async (_request, reply) => {
    document ??= clinicApiDocument(app);
    return reply.type('application/json').send(document);
  });
  fastify.get('/docs', async (_request, reply) =>
    reply.header('content-security-policy', DOCS_CSP).type('text/html').send(
      '<!doctype html><html><head><meta charset="utf-8"><title>OrthoLedger clinic API</title>' +
        '<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>' +
        '<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>',
    ),
  );
  fastify.get('/docs/init.js', async (_request, reply) =>
    reply.type('application/javascript').send("window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui' });"),
  );
  for (const asset of ASSETS) {
    const file = path.join(assets, asset);
    fastify.get(`/docs/${asset}`, async (_request, reply) =>
      reply.type(asset.endsWith('.css') ? 'text/css' : 'application/javascript').send(fs.createReadStream(file)),
    );
  }
}
