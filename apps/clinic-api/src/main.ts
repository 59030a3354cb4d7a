import { runStandalone } from '@ortholedger/platform';
import { createClinicApi } from './clinic-api.app';

runStandalone('clinic API', (runtime, logger) => createClinicApi(runtime, logger), (config) => config.clinicApiPort);
