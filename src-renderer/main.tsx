import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadPage } from './App';
import { createQueryClient } from './lib/query';
import { bootPrefetch } from './lib/boot';
import { readRoute } from './lib/route';

// bench/console reports when the bundle had run this far (navigation -> script evaluated).
performance.mark('outpost:app-start');
const queries = createQueryClient();
bootPrefetch(queries);
const root = document.getElementById('root');
// The page the tab opens on is loaded before the first render: it then renders at once, without a fallback.
void preloadPage(readRoute()).then(() => {
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App queries={queries} />
    </StrictMode>,
  );
});
