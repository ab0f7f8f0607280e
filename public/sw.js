// The service worker of «Payer une créance». It keeps only static files — the
// offline page, the icons and the versioned front-end files of /pkg/ — and never
// a page or an answer of the server: those hold personal data. A page the
// network cannot bring is answered with the offline page, in French. It takes
// over from the next page on (no clients.claim()): the page that installs it
// loads as it would without it.
const CACHE = 'payer-creance-static-1';
const OFFLINE = '/hors-ligne.html';
const PRECACHE = [OFFLINE, '/hors-ligne.css', '/icons/icon-192.png'];

/** Static files worth keeping: same origin, under /pkg/ or /icons/, or precached. */
const keeps = (url) =>
  url.origin === self.location.origin &&
  (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/') || PRECACHE.includes(url.pathname));

/** A /pkg/ file is kept only when versioned (the server calls it immutable). */
const keepable = (url, response) =>
  response.ok &&
  response.type === 'basic' &&
  (!url.pathname.startsWith('/pkg/') || (response.headers.get('cache-control') ?? '').includes('immutable'));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (!keeps(url)) return;
  event.respondWith(
    caches.match(request).then(
      (kept) =>
        kept ||
        fetch(request).then((response) => {
          if (keepable(url, response)) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
