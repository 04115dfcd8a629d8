import { lazy, useState, type ComponentType } from 'react';

export interface LazyView<P extends object> {
  (props: P): React.ReactNode;
  /** Starts loading the view's chunk (once); resolves when it can render without suspending. */
  preload(): Promise<void>;
}

/**
 * A page in its own chunk, loaded the first time it is shown or preloaded.
 * Once loaded it renders directly, without suspending: a Suspense fallback
 * that shows even briefly makes React hold back the content for a while
 * after it (its fallback throttle), which a first page load would pay.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): LazyView<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  const preload = () => (loading ??= load().then((view) => void (loaded = view)));
  const Suspending = lazy(() => preload().then(() => ({ default: loaded! })));
  function View(props: P) {
    // Fixed per mount: switching from the suspending wrapper to the loaded view would remount the page.
    const [Shown] = useState<ComponentType<P>>(() => loaded ?? Suspending);
    return <Shown {...props} />;
  }
  View.preload = preload;
  return View;
}
