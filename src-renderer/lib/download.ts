import type { ApiInput } from '../../src-shared/api/contract';
import { getAccessToken } from './api';

/**
 * Saves an export as a file. In a browser the hub streams it (readings.export
 * over HTTPS) and the browser saves what arrives; in the Electron window it
 * comes over IPC. Either way the hub audits it.
 */
export async function downloadExport(input: ApiInput<'readings.export'>): Promise<void> {
  let blob: Blob;
  let filename: string;
  const token = getAccessToken();
  if (window.outpost) {
    const result = await window.outpost.call('readings.export', input, token);
    if (!result.ok) throw result.error;
    const file = result.value as { filename: string; contentType: string; content: string };
    blob = new Blob([file.content], { type: file.contentType });
    filename = file.filename;
  } else {
    const response = await fetch('/api/rpc/readings.export', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
      credentials: 'omit',
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
      throw { code: body?.code ?? `HTTP_${response.status}`, message: body?.message ?? `The hub answered ${response.status}.` };
    }
    blob = await response.blob();
    filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `export.${input.format}`;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
