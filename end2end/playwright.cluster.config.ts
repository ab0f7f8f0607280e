import { defineConfig } from '@playwright/test';
import { BROWSER } from './tests/fixtures/chromium';

// The journey through `./scripts/run-cluster --test`: nginx over https in front
// of two instances on PostgreSQL. The script starts the cluster and sets
// CLUSTER_URL, CLUSTER_DIR and E2E_DATABASE_URL.
const url = process.env.CLUSTER_URL;
if (!url) throw new Error('CLUSTER_URL is not set: run ./scripts/run-cluster --test');

export default defineConfig({
  testDir: './cluster',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: url,
    // The certificate is signed by the cluster's own authority, unknown to Chromium.
    ignoreHTTPSErrors: true,
    ...BROWSER,
  },
});
