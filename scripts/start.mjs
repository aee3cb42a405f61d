// `npm start`: build the web app and the server bundle if they are missing or stale, then serve.
import { buildIfStale } from './build.mjs';

await buildIfStale();
await import('../bin/tollgate.mjs');
