import { useMemo } from 'react';
import ReactGridLayout, { useContainerWidth, verticalCompactor, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import type { DashboardSpec, Widget } from '../../src-shared/api/areas/dashboards';
import type { ChartRange } from '../lib/series-query';
import { WidgetBody } from './widgets';

const cols = 12;
const rowHeight = 60;
const margin = 12;
/** Below this width the grid becomes one column in the saved order, not draggable. */
export const narrowWidth = 720;

const kindText: Record<Widget['kind'], string> = { line: 'Line chart', value: 'Value', gauge: 'Gauge', table: 'Latest values', status: 'Device status', position: 'Position' };

/**
 * The dashboard's widgets on a 12-column grid (react-grid-layout): dragged by
 * their title bar and resized from the corner while editing. On a phone they
 * stack in reading order.
 */
export function DashboardGrid({ spec, range, editing, onLayout, onRemove }: { spec: DashboardSpec; range: ChartRange; editing: boolean; onLayout?: (layout: Layout) => void; onRemove?: (id: string) => void }) {
  const { width, containerRef, mounted } = useContainerWidth();
  const narrow = width < narrowWidth;
  const layout = useMemo<Layout>(() => spec.widgets.map((w) => ({ i: w.id, ...w.layout })), [spec.widgets]);
  const colWidth = (width - margin * (cols + 1)) / cols;
  const frame = (w: DashboardSpec['widgets'][number], pixelWidth: number, pixelHeight: number) => (
    <section key={w.id} className={`widget card${w.kind === 'unavailable' ? ' unavailable' : ''}`} data-widget={w.id} data-kind={w.kind} aria-label={w.kind === 'unavailable' ? 'Widget not available to you' : (w.title ?? kindText[w.kind])}>
      <header className="widget-head drag-handle">
        <h2>{w.kind === 'unavailable' ? 'Not available to you' : (w.title ?? kindText[w.kind])}</h2>
        {editing && onRemove && (
          <button type="button" className="small-button widget-remove" onMouseDown={(e) => e.stopPropagation()} onClick={() => onRemove(w.id)} aria-label={`Remove ${w.kind === 'unavailable' ? 'widget' : (w.title ?? kindText[w.kind])}`}>
            ✕
          </button>
        )}
      </header>
      <div className="widget-body">
        {w.kind === 'unavailable' ? (
          <p className="muted">This widget shows devices you may not see.</p>
        ) : (
          <WidgetBody widget={w} range={range} width={Math.max(100, pixelWidth - 28)} height={Math.max(60, pixelHeight - 52)} />
        )}
      </div>
    </section>
  );
  return (
    <div ref={containerRef} className="dashboard-grid" data-testid="dashboard-grid">
      {mounted && narrow && (
        <div className="widget-stack">
          {[...spec.widgets]
            .sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x)
            .map((w) => (
              <div key={w.id} style={{ height: Math.max(2, w.layout.h) * rowHeight }}>
                {frame(w, width, Math.max(2, w.layout.h) * rowHeight)}
              </div>
            ))}
        </div>
      )}
      {mounted && !narrow && (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols, rowHeight, margin: [margin, margin] }}
          dragConfig={{ enabled: editing, handle: '.drag-handle' }}
          resizeConfig={{ enabled: editing }}
          compactor={verticalCompactor}
          onLayoutChange={(next) => editing && onLayout?.(next)}
        >
          {spec.widgets.map((w) => frame(w, w.layout.w * colWidth + (w.layout.w - 1) * margin, w.layout.h * rowHeight + (w.layout.h - 1) * margin))}
        </ReactGridLayout>
      )}
    </div>
  );
}
