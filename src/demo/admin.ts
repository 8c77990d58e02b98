/** The emulators' admin APIs over HTTP: what a warehouse worker or an accountant does by hand. */
import type { IcenterEmulator } from '../emulators/icenter/index.js';
import type { MagentoEmulator } from '../emulators/magento/index.js';

export function magentoAdmin<T = unknown>(magento: MagentoEmulator, method: string, path: string, body?: unknown): Promise<T> {
  return adminCall<T>(`${magento.baseUrl}/__admin${path}`, method, body);
}

export function icenterAdmin<T = unknown>(icenter: IcenterEmulator, method: string, path: string, body?: unknown): Promise<T> {
  return adminCall<T>(`${icenter.adminUrl}${path}`, method, body);
}

async function adminCall<T>(url: string, method: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator admin ${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
