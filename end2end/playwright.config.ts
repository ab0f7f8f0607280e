import { defineConfig } from '@playwright/test';
import { BROWSER } from './tests/fixtures/chromium';
import { DATABASE_URL, KIOSK_PORT, PORT, SERVER } from './tests/fixtures/server';

// The release server built by `cargo leptos build --release`, started on its own
// ports with a fresh SQLite database (demo data) for each run.
const port = PORT;
const kioskPort = KIOSK_PORT;
const server = SERVER;

export default defineConfig({
  testDir: './tests',
  // Axe scans take seconds each on two cores; the longest walks set their own.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    ...BROWSER,
  },
  webServer: {
    command:
      `rm -rf .data && mkdir -p .data && ` +
      `DATABASE_URL='${DATABASE_URL}' LEPTOS_SITE_ADDR=127.0.0.1:${port} ` +
      `KIOSK_ADDR=127.0.0.1:${kioskPort} LEPTOS_SITE_ROOT=../target/site RUST_LOG=warn ` +
      // Payments are applied when a test runs the processing run itself, never behind its back.
      `PROCESSING_INTERVAL_SECONDS=86400 ${server}`,
    url: `http://127.0.0.1:${port}/connexion`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
