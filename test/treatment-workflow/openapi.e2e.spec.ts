import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@ortholedger/platform';
import { serveOpenApi } from '../../apps/clinic-api/src/openapi/openapi';
import { createClinicApi } from '../../apps/clinic-api/src/clinic-api.app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { testRuntime } from '../support/test-runtime';

describe('OpenAPI document and Swagger UI', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  async function app() {
    const api = await createClinicApi(testRuntime(db), createLogger('silent'));
    await api.init();
    await api.getHttpAdapter().getInstance().ready();
    return api;
  }

  it('documents every patient and case route outside production, with the UI', async () => {
    const api = await app();
    try {
      const doc = await api.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(doc.statusCode).toBe(200);
      const paths = Object.keys(doc.json().paths);
      for (const p of ['/patients', '/patients/{patientId}', '/patients/{patientId}/cases', '/cases/{caseId}/history', '/cases/{caseId}/plans/{planId}/approval', '/cases/{caseId}/corrections']) {
        expect(paths).toContain(p);
      }
      expect(doc.json().components.schemas.RegisterPatientRequest.properties.name).toBeDefined();
      const ui = await api.inject({ method: 'GET', url: '/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.body).toContain('swagger-ui');
      expect((await api.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('serves neither in production', async () => {
    // Production refuses local keys, so the full app cannot boot here; the switch is serveOpenApi's alone.
    @Module({})
    class Empty {}
    const api = await NestFactory.create<NestFastifyApplication>(Empty, new FastifyAdapter(), { logger: false });
    serveOpenApi(api, true);
    await api.init();
    try {
      expect((await api.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
      expect((await api.inject({ method: 'GET', url: '/docs/openapi.json' })).statusCode).toBe(404);
    } finally {
      await api.close();
    }
  });
});
