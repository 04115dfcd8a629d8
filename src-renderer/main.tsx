import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createQueryClient } from './lib/query';
import { bootPrefetch } from './lib/boot';

// bench/console reports when the bundle had run this far (navigation -> script evaluated).
performance.mark('outpost:app-start');
const queries = createQueryClient();
bootPrefetch(queries);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App queries={queries} />
    </StrictMode>,
  );
}
