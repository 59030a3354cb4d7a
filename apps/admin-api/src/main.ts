import { runStandalone } from '@ortholedger/platform';
import { createAdminApi } from './admin-api.app';

runStandalone('admin API', (runtime, logger) => createAdminApi(runtime, logger), (config) => config.adminApiPort);
