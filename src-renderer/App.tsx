import { StatusView } from './views/StatusView';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Outpost</span>
        <nav>
          <a href="#status" aria-current="page">
            Hub
          </a>
        </nav>
      </header>
      <main>
        <StatusView />
      </main>
    </div>
  );
}
